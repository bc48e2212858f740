// Bodies and queries of /v1/suppressions. The body DTO only declares which
// fields exist (the global ValidationPipe refuses others); their content is
// checked by @postline/list/domain, which gives each problem its own code.
import { Type } from 'class-transformer';
import { Allow, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { SUPPRESSION_REASONS, type SuppressionReason } from '@postline/list/domain';

export class SuppressionDto {
  @Allow()
  address?: unknown;

  @Allow()
  domain?: unknown;

  @Allow()
  reason?: unknown;

  @Allow()
  source?: unknown;
}

export class SuppressionsPageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  /** The nextCursor of the previous page (a suppression id). */
  @IsOptional()
  @IsString()
  after?: string;

  @IsOptional()
  @IsIn(SUPPRESSION_REASONS)
  reason?: SuppressionReason;
}

export class SuppressionCheckQuery {
  @IsString()
  address!: string;
}
