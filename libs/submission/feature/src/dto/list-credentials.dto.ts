// Query of GET /v1/credentials (and ListCredentials over gRPC).
// @Type reads design metadata, so the polyfill must be loaded wherever this is.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

export class ListCredentialsDto {
  @IsOptional()
  @IsString()
  @MaxLength(128)
  tenantId?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize?: number;

  /** nextPageToken of the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  pageToken?: string;
}
