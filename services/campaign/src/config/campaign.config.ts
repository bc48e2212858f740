// Settings of the campaign service (validated at boot; see README "Configuration").
import { platformSchema, type ConfigOf, type EnvSchema } from '@postline/platform/config';

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
} satisfies EnvSchema;

export type CampaignConfig = ConfigOf<typeof campaignConfigSchema>;
