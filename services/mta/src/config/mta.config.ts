// Settings of the mta service (validated at boot; see services/mta/README.md).
// The routing overrides and EHLO name get a second, MTA-specific check here so
// that a bad value stops the boot with the same kind of message as any other.
import {
  ConfigValidationError,
  platformSchema,
  type ConfigOf,
  type EnvSchema,
} from '@postline/platform/config';
import type { MtaFeatureOptions } from '@postline/mta/feature';
import {
  RouteOverrideError,
  normalizeDomain,
  parseRouteOverrides,
  type RouteOverrides,
} from '@postline/mta/routing';

export const mtaConfigSchema = {
  ...platformSchema,
  POSTLINE_HTTP_PORT: { ...platformSchema.POSTLINE_HTTP_PORT, default: '38105' },
  POSTLINE_GRPC_PORT: { ...platformSchema.POSTLINE_GRPC_PORT, default: '38115' },
  POSTLINE_MTA_DB: {
    kind: 'string',
    default: 'postline_mta',
    doc: 'MongoDB database owned by the mta service',
  },
  POSTLINE_MTA_CONSUMER_GROUP: {
    kind: 'string',
    default: 'postline-mta',
    doc: 'Kafka consumer group on mail.outbound.v1',
  },
  POSTLINE_MTA_ROUTES: {
    kind: 'string',
    default: '',
    doc: "routing overrides, comma-separated `<domain or *>=<host>:<port>[/local]` (e.g. `*=127.0.0.1:31025`); empty: deliver to each domain's MX",
  },
  POSTLINE_MTA_EHLO_NAME: {
    kind: 'string',
    default: 'postline.localhost',
    doc: 'host name the MTA announces in EHLO (should match its PTR record)',
  },
  POSTLINE_MTA_MAX_CONNECTIONS_PER_HOP: {
    kind: 'int',
    min: 1,
    max: 100,
    default: '5',
    doc: 'pooled SMTP connections per next hop',
  },
  POSTLINE_MTA_MAX_MESSAGES_PER_CONNECTION: {
    kind: 'int',
    min: 1,
    max: 100000,
    default: '100',
    doc: 'messages sent over one SMTP connection before it is replaced',
  },
  POSTLINE_MTA_MAX_INFLIGHT: {
    kind: 'int',
    min: 1,
    max: 1024,
    default: '16',
    doc: 'delivery attempts in flight across all routing keys',
  },
  // Kept below the Kafka session timeout (30 s): a batch sends no heartbeat while every delivery in it waits on a peer.
  POSTLINE_MTA_CONNECT_TIMEOUT_MS: {
    kind: 'int',
    min: 100,
    max: 120000,
    default: '10000',
    doc: 'TCP connect timeout to a next hop',
  },
  POSTLINE_MTA_GREETING_TIMEOUT_MS: {
    kind: 'int',
    min: 100,
    max: 300000,
    default: '20000',
    doc: 'wait for the 220 greeting after connecting',
  },
  POSTLINE_MTA_SOCKET_TIMEOUT_MS: {
    kind: 'int',
    min: 100,
    max: 600000,
    default: '25000',
    doc: 'inactivity timeout on an SMTP connection, including the reply after DATA',
  },
  POSTLINE_MTA_VERIFY_LOCAL_TLS: {
    kind: 'bool',
    default: 'false',
    doc: 'verify STARTTLS certificates of overrides marked /local too',
  },
  POSTLINE_MTA_DEFER_MAX_ATTEMPTS: {
    kind: 'int',
    min: 1,
    max: 10,
    default: '3',
    doc: 'in-process tries for a deferred recipient before the batch is left to Kafka redelivery',
  },
  POSTLINE_MTA_DEFER_INITIAL_DELAY_MS: {
    kind: 'int',
    min: 0,
    max: 60000,
    default: '1000',
    doc: 'backoff before the second in-process try (doubles each try)',
  },
  POSTLINE_MTA_DEFER_MAX_DELAY_MS: {
    kind: 'int',
    min: 0,
    max: 60000,
    default: '4000',
    doc: 'cap on the in-process backoff',
  },
} satisfies EnvSchema;

export type MtaConfig = ConfigOf<typeof mtaConfigSchema>;

/** Feature options from validated config; throws ConfigValidationError naming every bad MTA setting. */
export function mtaFeatureOptions(config: MtaConfig): MtaFeatureOptions {
  const problems: string[] = [];
  let routes: RouteOverrides | undefined;
  try {
    routes = parseRouteOverrides(config.POSTLINE_MTA_ROUTES);
  } catch (e) {
    if (!(e instanceof RouteOverrideError)) throw e;
    problems.push(...e.problems.map((p) => `POSTLINE_MTA_ROUTES ${p}`));
  }
  if (!normalizeDomain(config.POSTLINE_MTA_EHLO_NAME)) {
    problems.push(
      `POSTLINE_MTA_EHLO_NAME must be a host name, got "${config.POSTLINE_MTA_EHLO_NAME}"`,
    );
  }
  if (problems.length > 0 || !routes) throw new ConfigValidationError(problems);
  return {
    consumerGroup: config.POSTLINE_MTA_CONSUMER_GROUP,
    routes,
    smtp: {
      ehloName: config.POSTLINE_MTA_EHLO_NAME,
      maxConnectionsPerHop: config.POSTLINE_MTA_MAX_CONNECTIONS_PER_HOP,
      maxMessagesPerConnection: config.POSTLINE_MTA_MAX_MESSAGES_PER_CONNECTION,
      connectionTimeoutMs: config.POSTLINE_MTA_CONNECT_TIMEOUT_MS,
      greetingTimeoutMs: config.POSTLINE_MTA_GREETING_TIMEOUT_MS,
      socketTimeoutMs: config.POSTLINE_MTA_SOCKET_TIMEOUT_MS,
      verifyLocalTls: config.POSTLINE_MTA_VERIFY_LOCAL_TLS,
    },
    maxInflightDeliveries: config.POSTLINE_MTA_MAX_INFLIGHT,
    retry: {
      maxAttempts: config.POSTLINE_MTA_DEFER_MAX_ATTEMPTS,
      initialDelayMs: config.POSTLINE_MTA_DEFER_INITIAL_DELAY_MS,
      maxDelayMs: config.POSTLINE_MTA_DEFER_MAX_DELAY_MS,
    },
  };
}
