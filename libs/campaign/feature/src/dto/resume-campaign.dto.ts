// Body of POST /v1/campaigns/:id/resume. A resume that the guard would undo at
// once (the window's rate still over its limit) is refused with 409.
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, ValidateNested } from 'class-validator';
import { GuardLimitsDto } from './guard-limits.dto';

export class ResumeCampaignDto {
  /** Start a new guard window: outcomes counted so far no longer weigh on the rates. */
  @IsOptional()
  @IsBoolean()
  resetWindow?: boolean;

  /** New limits for this campaign (the ones left out keep their value). */
  @IsOptional()
  @ValidateNested()
  @Type(() => GuardLimitsDto)
  guard?: GuardLimitsDto;
}
