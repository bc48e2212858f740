// Settings of the render service (validated at boot; see services/render/README.md).
import { platformSchema, type ConfigOf, type EnvSchema } from '@postline/platform/config';

export const renderConfigSchema = {
  ...platformSchema,
  POSTLINE_HTTP_PORT: { ...platformSchema.POSTLINE_HTTP_PORT, default: '38103' },
  POSTLINE_GRPC_PORT: { ...platformSchema.POSTLINE_GRPC_PORT, default: '38113' },
  POSTLINE_RENDER_DB: {
    kind: 'string',
    default: 'postline_render',
    doc: 'MongoDB database owned by the render service',
  },
  POSTLINE_RENDER_CONSUMER_GROUP: {
    kind: 'string',
    default: 'postline-render',
    doc: 'Kafka consumer group reading mail.render.v1',
  },
  POSTLINE_RENDER_TEMPLATE_CACHE_SIZE: {
    kind: 'int',
    min: 1,
    max: 1000000,
    default: '1000',
    doc: 'compiled template versions kept in memory (LRU)',
  },
  POSTLINE_RENDER_MAX_PART_BYTES: {
    kind: 'int',
    min: 1024,
    max: 16777216,
    default: '2097152',
    doc: 'upper bound on each rendered part (subject, html, text) in bytes',
  },
} satisfies EnvSchema;

export type RenderConfig = ConfigOf<typeof renderConfigSchema>;
