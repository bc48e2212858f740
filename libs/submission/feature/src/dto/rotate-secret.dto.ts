// Body of POST /v1/credentials/:username/rotate-secret (and RotateCredentialSecret).
import { IsOptional } from 'class-validator';
import { IsSecret } from './credential-fields';

export class RotateSecretDto {
  /** Absent: the server generates one and answers it once. */
  @IsOptional()
  @IsSecret()
  secret?: string;
}
