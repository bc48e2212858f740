// Body of POST /v1/lists/:listId/subscribers/bulk. Only the envelope is
// validated here; each row is checked on its own and a bad row is reported by
// index instead of failing the batch.
import { ArrayMaxSize, ArrayMinSize, IsArray } from 'class-validator';

export const BULK_MAX_ROWS = 1000;

export class BulkSubscribeDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BULK_MAX_ROWS)
  subscribers!: unknown[];
}
