// Settings of the campaign service (validated at boot; see README "Configuration").
import { GUARD_LIMIT_BOUNDS } from '@postline/campaign/domain';
import {
  ConfigValidationError,
  platformSchema,
  type ConfigOf,
  type EnvSchema,
} from '@postline/platform/config';

/** Render's well-known local secret: accepted locally, refused when NODE_ENV=production. */
export const INSECURE_LOCAL_SIGNING_SECRET = 'insecure-local-render-signing-secret';

export const campaignConfigSchema = {
  ...platformSchema,
  POSTLINE_HTTP_PORT: { ...platformSchema.POSTLINE_HTTP_PORT, default: '38102' },
  POSTLINE_GRPC_PORT: { ...platformSchema.POSTLINE_GRPC_PORT, default: '38112' },
  POSTLINE_CAMPAIGN_DB: {
    kind: 'string',
    default: 'postline_campaign',
    doc: 'MongoDB database owned by the campaign service',
  },
  POSTLINE_LIST_GRPC_ADDRESS: {
    kind: 'string',
    default: '127.0.0.1:38111',
    doc: 'list service gRPC address (host:port)',
  },
  POSTLINE_RENDER_GRPC_ADDRESS: {
    kind: 'string',
    default: '127.0.0.1:38113',
    doc: 'render service gRPC address (host:port)',
  },
  POSTLINE_CAMPAIGN_DEFAULT_SEND_RATE: {
    kind: 'int',
    min: 1,
    max: 100000,
    default: '500',
    doc: 'messages per second for campaigns that set none',
  },
  POSTLINE_CAMPAIGN_DEFAULT_POOL: {
    kind: 'string',
    default: 'default',
    doc: 'source IP pool for campaign mail',
  },
  POSTLINE_CAMPAIGN_BATCH_SIZE: {
    kind: 'int',
    min: 1,
    max: 5000,
    default: '200',
    doc: 'render requests produced per Kafka batch',
  },
  POSTLINE_CAMPAIGN_SIGNING_SECRET: {
    kind: 'string',
    default: INSECURE_LOCAL_SIGNING_SECRET,
    doc: "HMAC-SHA256 key that verifies click (/c/) and open (/o/) tokens; must be the same value as render's POSTLINE_RENDER_SIGNING_SECRET; must be set when NODE_ENV=production",
  },
  POSTLINE_CAMPAIGN_GUARD_ENABLED: {
    kind: 'bool',
    default: 'true',
    doc: 'pause a sending campaign whose hard-bounce or complaint rate passes its limit (the campaign guard)',
  },
  POSTLINE_CAMPAIGN_GUARD_MIN_ATTEMPTS: {
    kind: 'int',
    ...GUARD_LIMIT_BOUNDS.minAttempts,
    default: '500',
    doc: 'final outcomes (delivered + bounced) a campaign needs before the guard judges its rates; a campaign may set its own',
  },
  POSTLINE_CAMPAIGN_GUARD_MAX_HARD_BOUNCE_BASIS_POINTS: {
    kind: 'int',
    ...GUARD_LIMIT_BOUNDS.maxHardBounceBasisPoints,
    default: '500',
    doc: 'hard bounces per 10,000 final outcomes above which the guard pauses a campaign (500 = 5 %); a campaign may set its own',
  },
  POSTLINE_CAMPAIGN_GUARD_MAX_COMPLAINT_BASIS_POINTS: {
    kind: 'int',
    ...GUARD_LIMIT_BOUNDS.maxComplaintBasisPoints,
    default: '10',
    doc: 'complaints per 10,000 delivered messages above which the guard pauses a campaign (10 = 0.1 %); a campaign may set its own',
  },
} satisfies EnvSchema;

export type CampaignConfig = ConfigOf<typeof campaignConfigSchema>;

/**
 * Refuses to run a production service with the well-known local secret: anyone
 * could then forge clicks and opens. Called at boot, after the schema check.
 */
export function assertCampaignConfigSafe(
  config: CampaignConfig,
  nodeEnv = process.env.NODE_ENV,
): void {
  if (
    nodeEnv === 'production' &&
    config.POSTLINE_CAMPAIGN_SIGNING_SECRET === INSECURE_LOCAL_SIGNING_SECRET
  ) {
    throw new ConfigValidationError([
      'POSTLINE_CAMPAIGN_SIGNING_SECRET is required when NODE_ENV=production (the default is for local use only)',
    ]);
  }
}
