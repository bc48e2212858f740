// Settings of the list service (validated at boot; see README "Configuration").
import { platformSchema, type ConfigOf, type EnvSchema } from '@postline/platform/config';

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
} satisfies EnvSchema;

export type ListConfig = ConfigOf<typeof listConfigSchema>;
