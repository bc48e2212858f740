// Query of DELETE /v1/subscribers/:id: erasure must be asked for explicitly.
import { IsIn, IsOptional } from 'class-validator';

export class EraseQuery {
  @IsOptional()
  @IsIn(['true', 'false'])
  erase?: string;
}
