// Settings of the render service (validated at boot; see services/render/README.md).
import {
  ConfigValidationError,
  platformSchema,
  type ConfigOf,
  type EnvSchema,
} from '@postline/platform/config';
import { MAX_TEMPLATE_PART_BYTES } from '@postline/render/domain';

/** Clearly not a secret: accepted locally, refused when NODE_ENV=production. */
export const INSECURE_LOCAL_SIGNING_SECRET = 'insecure-local-render-signing-secret';
// Header-safe ASCII domain (punycode for IDNs): it lands in addresses and the envelope.
const DOMAIN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

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
  POSTLINE_RENDER_MJML_MAX_BYTES: {
    kind: 'int',
    min: 1024,
    max: 1048576,
    default: '524288',
    doc: 'largest MJML template source accepted when a template is saved, in bytes; a larger one is refused (TEMPLATE_INVALID)',
  },
  POSTLINE_RENDER_MJML_TIMEOUT_MS: {
    kind: 'int',
    min: 100,
    max: 120000,
    default: '5000',
    doc: 'longest one save-time MJML compile may run (in a worker thread) before the save is refused, in milliseconds',
  },
  POSTLINE_RENDER_SIGNING_SECRET: {
    kind: 'string',
    default: INSECURE_LOCAL_SIGNING_SECRET,
    doc: 'HMAC-SHA256 key of unsubscribe/click/open tokens and VERP return paths; shared with the campaign service; must be set when NODE_ENV=production',
  },
  POSTLINE_TRACKING_BASE_URL: {
    kind: 'url',
    protocols: ['http', 'https'],
    default: 'http://127.0.0.1:38102',
    doc: 'public base URL of the campaign service tracking endpoints (/u/, /c/, /o/)',
  },
  POSTLINE_RENDER_BOUNCE_DOMAIN: {
    kind: 'string',
    default: '',
    doc: "domain of the signed VERP return path b+<messageId>.<sig>@domain; empty means the sender's domain",
  },
  POSTLINE_RENDER_UNSUBSCRIBE_MAILTO_DOMAIN: {
    kind: 'string',
    default: '',
    doc: 'domain of the List-Unsubscribe mailto address; empty means the bounce domain',
  },
  POSTLINE_RENDER_TRACKING: {
    kind: 'bool',
    default: 'false',
    doc: "allow click (/c/) and open (/o/) tracking of campaign mail: the upper bound of each campaign's choice (RenderRequest.tracking) and the choice of requests without one; false: nothing is tracked",
  },
} satisfies EnvSchema;

export type RenderConfig = ConfigOf<typeof renderConfigSchema>;

/**
 * Largest REST request body: subject, html and text at the stored-part bound
 * plus the largest MJML source, doubled for JSON escaping. Beyond it Express
 * answers 413 before the body is parsed.
 */
export function saveBodyLimitBytes(config: RenderConfig): number {
  return 2 * (3 * MAX_TEMPLATE_PART_BYTES + config.POSTLINE_RENDER_MJML_MAX_BYTES);
}

/**
 * Refuses to run a production service with the well-known local secret: anyone
 * could then forge unsubscribe links. Called at boot, after the schema check.
 */
export function assertRenderConfigSafe(config: RenderConfig, nodeEnv = process.env.NODE_ENV): void {
  if (
    nodeEnv === 'production' &&
    config.POSTLINE_RENDER_SIGNING_SECRET === INSECURE_LOCAL_SIGNING_SECRET
  ) {
    throw new ConfigValidationError([
      'POSTLINE_RENDER_SIGNING_SECRET is required when NODE_ENV=production (the default is for local use only)',
    ]);
  }
  for (const name of [
    'POSTLINE_RENDER_BOUNCE_DOMAIN',
    'POSTLINE_RENDER_UNSUBSCRIBE_MAILTO_DOMAIN',
  ] as const) {
    if (config[name] && !DOMAIN.test(config[name])) {
      throw new ConfigValidationError([
        `${name} must be an ASCII domain name, got "${config[name]}"`,
      ]);
    }
  }
}
