// Body of PATCH /v1/credentials/:username (and UpdateCredential over gRPC):
// only the fields present change.
import { IsOptional } from 'class-validator';
import { IsEnabled, IsMaxRecipients, IsRate, IsSenderDomains } from './credential-fields';

export class UpdateCredentialDto {
  @IsOptional()
  @IsSenderDomains()
  allowedSenderDomains?: string[];

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
