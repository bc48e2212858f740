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
    doc: "HMAC-SHA256 key that verifies one-click unsubscribe tokens and signs double opt-in confirmation links; must be the same value as render's POSTLINE_RENDER_SIGNING_SECRET; must be set when NODE_ENV=production",
  },
  POSTLINE_TRACKING_BASE_URL: {
    kind: 'url',
    protocols: ['http', 'https'],
    default: 'http://127.0.0.1:38101',
    doc: 'public base URL whose /u/ path reaches this service (the tracking base URL render uses); double opt-in confirmation links are <base>/u/confirm/<token>',
  },
  POSTLINE_LIST_CONFIRMATION_TTL_HOURS: {
    kind: 'int',
    min: 1,
    max: 720,
    default: '72',
    doc: 'how long a double opt-in confirmation link works, in hours; an expired link answers 410 TOKEN_EXPIRED and signing up again sends a new one',
  },
  POSTLINE_LIST_STREAM_JOIN: {
    kind: 'enum',
    values: ['auto', 'scan', 'lookup'] as const,
    default: 'auto',
    doc: "how recipient streams join list members with subscribers: lookup (a page of members, then their subscribers by _id; for MongoDB), scan (one cursor over the tenant's matching subscribers in _id order, checked against the members read once into compact id sets; for FerretDB, which serves no $in from an index and sorts in its own memory), or auto (scan on FerretDB, lookup on MongoDB)",
  },
  POSTLINE_LIST_IMPORT_CHUNK_ROWS: {
    kind: 'int',
    min: 1,
    max: 5000,
    default: '500',
    doc: 'CSV import: rows written to MongoDB per chunk (one batched insert per collection)',
  },
  POSTLINE_LIST_IMPORT_CONCURRENCY: {
    kind: 'int',
    min: 1,
    max: 16,
    default: '2',
    doc: 'CSV import: chunks of one import written at the same time while the next rows are read',
  },
  POSTLINE_LIST_IMPORT_MAX_ROW_KB: {
    kind: 'int',
    min: 1,
    max: 1024,
    default: '64',
    doc: 'CSV import: largest record in KiB; a longer one (or a quote never closed within it) is reported and skipped',
  },
  POSTLINE_LIST_IMPORT_MAX_REPORTED_ERRORS: {
    kind: 'int',
    min: 1,
    max: 10000,
    default: '1000',
    doc: 'CSV import: row errors kept on the import record (the first ones by line; all are counted)',
  },
  POSTLINE_LIST_IMPORT_PROGRESS_INTERVAL_MS: {
    kind: 'int',
    min: 50,
    max: 60000,
    default: '500',
    doc: 'CSV import: least time between two progress writes to the import record',
  },
  POSTLINE_LIST_REQUEST_TIMEOUT_S: {
    kind: 'int',
    min: 60,
    max: 86400,
    default: '3600',
    doc: 'longest time to receive a whole HTTP request, in seconds; bounds a CSV upload, which is read only as fast as it is imported',
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
