// Settings the campaign feature reads from the service's validated config.
export interface CampaignFeatureConfig {
  POSTLINE_LIST_GRPC_ADDRESS: string;
  POSTLINE_RENDER_GRPC_ADDRESS: string;
  POSTLINE_CAMPAIGN_DEFAULT_SEND_RATE: number;
  POSTLINE_CAMPAIGN_DEFAULT_POOL: string;
  POSTLINE_CAMPAIGN_BATCH_SIZE: number;
  /** Verifies click and open tokens (render signs them with the same secret). */
  POSTLINE_CAMPAIGN_SIGNING_SECRET: string;
  /** The guard pauses sending campaigns whose bounce or complaint rate passes a limit. */
  POSTLINE_CAMPAIGN_GUARD_ENABLED: boolean;
  POSTLINE_CAMPAIGN_GUARD_MIN_ATTEMPTS: number;
  POSTLINE_CAMPAIGN_GUARD_MAX_HARD_BOUNCE_BASIS_POINTS: number;
  POSTLINE_CAMPAIGN_GUARD_MAX_COMPLAINT_BASIS_POINTS: number;
}
