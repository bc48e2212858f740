// Body of POST /v1/campaigns. Unknown fields are refused by the global pipe.
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { GuardLimitsDto } from './guard-limits.dto';

export class CreateCampaignDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  listId!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(998)
  @Matches(/^[^\r\n\0]*$/, { message: 'subject must not contain CR, LF or NUL' })
  subject!: string;

  /** The HTML body; required unless `mjml` is given (render compiles that into the HTML). */
  @ValidateIf((o: CreateCampaignDto) => o.mjml === undefined || o.html !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024 * 1024)
  html?: string;

  /** MJML source instead of `html`, compiled by render when the campaign is created. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024 * 1024)
  mjml?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024 * 1024)
  text?: string;

  @IsEmail({ require_tld: false }, { message: 'fromAddress must be an email address' })
  @MaxLength(254)
  fromAddress!: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[^\r\n\0]*$/, { message: 'fromName must not contain CR, LF or NUL' })
  fromName?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  sendRatePerSecond?: number;

  /** Rewrite links to tracked redirects (default true; render's POSTLINE_RENDER_TRACKING bounds it). */
  @IsOptional()
  @IsBoolean()
  trackClicks?: boolean;

  /** Add the open pixel (default true; render's POSTLINE_RENDER_TRACKING bounds it). */
  @IsOptional()
  @IsBoolean()
  trackOpens?: boolean;

  /** This campaign's guard limits; unset ones follow POSTLINE_CAMPAIGN_GUARD_*. */
  @IsOptional()
  @ValidateNested()
  @Type(() => GuardLimitsDto)
  guard?: GuardLimitsDto;
}
