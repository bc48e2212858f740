// Query of POST /v1/lists/:listId/imports: the column mapping as JSON (checked
// by the import itself, which names the offending part of the mapping).
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class ImportQuery {
  @IsOptional()
  @IsString()
  @MaxLength(16 * 1024)
  mapping?: string;
}
