// Settings of the list service (validated at boot; see README "Configuration").
import {
  ConfigValidationError,
  platformSchema,
  type ConfigOf,
  type EnvSchema,
} from '@postline/platform/config';

/**
 * Render's local default, so a local setup verifies what render signs out of
 * the box; refused when NODE_ENV=production.
 */
export const INSECURE_LOCAL_SIGNING_SECRET = 'insecure-local-render-signing-secret';

export const listConfigSchema = {
  ...platformSchema,
  POSTLINE_HTTP_PORT: { ...platformSchema.POSTLINE_HTTP_PORT, default: '38101' },
  POSTLINE_GRPC_PORT: { ...platformSchema.POSTLINE_GRPC_PORT, default: '38111' },
  POSTLINE_LIST_DB: {
    kind: 'string',
    default: 'postline_list',
    doc: 'MongoDB database owned by the list service',
  },
  POSTLINE_LIST_EVENTS_TOPIC: {
    kind: 'string',
    default: 'list.events.v1',
    doc: 'Kafka topic for SubscriberEvent records (key: subscriber id)',
  },
  POSTLINE_LIST_STREAM_PAGE_SIZE: {
    kind: 'int',
    min: 1,
    max: 5000,
    default: '500',
    doc: 'list members read from MongoDB per query while streaming recipients',
  },
  POSTLINE_LIST_MAX_BODY_MB: {
    kind: 'int',
    min: 1,
    max: 100,
    default: '20',
    doc: 'largest JSON request body in MiB (a bulk subscribe of 1,000 rows with 16 KiB attributes each is ~17 MiB)',
  },
  POSTLINE_LIST_MAIL_EVENTS_TOPIC: {
    kind: 'string',
    default: 'mail.events.v1',
    doc: 'Kafka topic of DeliveryEvent records the engagement consumer reads (bounces, complaints, opens, clicks, unsubscribes)',
  },
  POSTLINE_LIST_CONSUMER_GROUP: {
    kind: 'string',
    default: 'postline-list-engagement',
    doc: 'Kafka consumer group of the engagement consumer on the mail events topic',
  },
  POSTLINE_LIST_SOFT_BOUNCE_LIMIT: {
    kind: 'int',
    min: 1,
    max: 1000,
    default: '5',
    doc: 'soft bounces in a row (no delivery, open or click in between) that suppress an address',
  },
  POSTLINE_LIST_SIGNING_SECRET: {
    kind: 'string',
    default: INSECURE_LOCAL_SIGNING_SECRET,
    doc: "HMAC-SHA256 key that verifies one-click unsubscribe tokens; must be the same value as render's POSTLINE_RENDER_SIGNING_SECRET; must be set when NODE_ENV=production",
  },
} satisfies EnvSchema;

export type ListConfig = ConfigOf<typeof listConfigSchema>;

/**
 * Refuses to run a production service with the well-known local secret: anyone
 * could then forge unsubscribe links. Called at boot, after the schema check.
 */
export function assertListConfigSafe(config: ListConfig, nodeEnv = process.env.NODE_ENV): void {
  if (
    nodeEnv === 'production' &&
    config.POSTLINE_LIST_SIGNING_SECRET === INSECURE_LOCAL_SIGNING_SECRET
  ) {
    throw new ConfigValidationError([
      'POSTLINE_LIST_SIGNING_SECRET is required when NODE_ENV=production (the default is for local use only)',
    ]);
  }
}
