// Body of POST /v1/credentials.
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsFQDN,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

export class CreateCredentialDto {
  @IsString()
  @Matches(/^[A-Za-z0-9._@+-]{3,128}$/)
  username!: string;

  /** Never stored or echoed; only its scrypt hash is kept. */
  @IsString()
  @MinLength(12)
  @MaxLength(256)
  secret!: string;

  @IsArray()
  @ArrayMinSize(1)
  @IsFQDN({ require_tld: false }, { each: true })
  allowedSenderDomains!: string[];

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxRecipients?: number;

  /** Messages accepted per minute; at most the server's limit, which is also the default. */
  @IsOptional()
  @IsInt()
  @Min(1)
  messagesPerMinute?: number;

  /** Recipients accepted per minute; at most the server's limit, which is also the default. */
  @IsOptional()
  @IsInt()
  @Min(1)
  recipientsPerMinute?: number;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
