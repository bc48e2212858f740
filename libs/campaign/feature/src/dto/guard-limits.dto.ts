// Guard limits a campaign may set for itself (on create, or when an operator
// resumes it); each one left out follows the service setting. Same bounds as
// the POSTLINE_CAMPAIGN_GUARD_* settings.
import { GUARD_LIMIT_BOUNDS } from '@postline/campaign/domain';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const { minAttempts, maxHardBounceBasisPoints, maxComplaintBasisPoints } = GUARD_LIMIT_BOUNDS;

export class GuardLimitsDto {
  /** Final outcomes (delivered + bounced) before the rates are judged. */
  @IsOptional()
  @IsInt()
  @Min(minAttempts.min)
  @Max(minAttempts.max)
  minAttempts?: number;

  /** Hard bounces per 10,000 final outcomes above which the campaign pauses. */
  @IsOptional()
  @IsInt()
  @Min(maxHardBounceBasisPoints.min)
  @Max(maxHardBounceBasisPoints.max)
  maxHardBounceBasisPoints?: number;

  /** Complaints per 10,000 delivered messages above which the campaign pauses. */
  @IsOptional()
  @IsInt()
  @Min(maxComplaintBasisPoints.min)
  @Max(maxComplaintBasisPoints.max)
  maxComplaintBasisPoints?: number;
}
