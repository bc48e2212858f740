// Query of GET /v1/lists/:listId/subscribers: keyset paging by subscriber id.
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export class SubscribersPageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  /** The nextCursor of the previous page (a subscriber id). */
  @IsOptional()
  @IsString()
  after?: string;
}
