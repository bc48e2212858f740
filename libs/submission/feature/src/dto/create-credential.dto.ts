// Body of POST /v1/credentials (and CreateCredential over gRPC).
import { IsOptional } from 'class-validator';
import {
  IsEnabled,
  IsMaxRecipients,
  IsRate,
  IsSecret,
  IsSenderDomains,
  IsUsername,
} from './credential-fields';

export class CreateCredentialDto {
  @IsUsername()
  username!: string;

  /** Absent: the server generates one and answers it once. */
  @IsOptional()
  @IsSecret()
  secret?: string;

  @IsSenderDomains()
  allowedSenderDomains!: string[];

  @IsOptional()
  @IsMaxRecipients()
  maxRecipients?: number;

  @IsOptional()
  @IsRate()
  messagesPerMinute?: number;

  @IsOptional()
  @IsRate()
  recipientsPerMinute?: number;

  @IsOptional()
  @IsEnabled()
  enabled?: boolean;
}
