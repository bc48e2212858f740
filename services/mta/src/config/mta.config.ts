// Settings of the mta service (validated at boot; see services/mta/README.md).
// The routing overrides and EHLO name get a second, MTA-specific check here so
// that a bad value stops the boot with the same kind of message as any other.
import {
  ConfigValidationError,
  platformSchema,
  type ConfigOf,
  type EnvSchema,
} from '@postline/platform/config';
import { readFileSync } from 'node:fs';
import { DkimError, DkimKeyRing } from '@postline/mta/dkim';
import { parseRetryTiers, type MtaFeatureOptions, type RetryTier } from '@postline/mta/feature';
import { BUILTIN_DEFAULTS, PolicyBook, PolicyDocumentError } from '@postline/mta/policy';
import {
  RouteOverrideError,
  SourcePoolError,
  normalizeDomain,
  parseRouteOverrides,
  parseSourcePools,
  type RouteOverrides,
  type SourcePools,
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
    max: 1000,
    default: '5',
    doc: "concurrent SMTP connections per destination when no policy file is set (the file's `defaults:` govern otherwise)",
  },
  POSTLINE_MTA_MAX_MESSAGES_PER_CONNECTION: {
    kind: 'int',
    min: 1,
    max: 100000,
    default: '100',
    doc: 'messages per SMTP connection before it is replaced, when no policy file is set',
  },
  POSTLINE_MTA_MAX_INFLIGHT: {
    kind: 'int',
    min: 1,
    max: 4096,
    default: '256',
    doc: 'delivery attempts in flight across all destinations of this pod',
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
  POSTLINE_MTA_RETRY_TIERS: {
    kind: 'string',
    default: '1m,10m,1h,6h',
    doc: 'retry topics `mail.retry.v1.<tier>`; a deferred message waits in the longest tier not longer than its policy delay',
  },
  POSTLINE_MTA_RETRY_CONSUMER_GROUP: {
    kind: 'string',
    default: 'postline-mta-retry',
    doc: 'Kafka consumer group of the retry forwarder on the retry topics',
  },
  POSTLINE_MTA_POLICY_FILE: {
    kind: 'string',
    default: '',
    doc: 'domain policy YAML (see libs/mta/policy/README.md); empty: built-in defaults for every domain',
  },
  POSTLINE_MTA_DKIM_KEYS_DIR: {
    kind: 'string',
    default: '',
    doc: 'directory of DKIM private keys named `<domain>_<selector>.pem` (a mounted Secret); empty: no signing',
  },
  POSTLINE_MTA_DKIM_WORKERS: {
    kind: 'int',
    min: 0,
    max: 64,
    default: '1',
    doc: 'worker threads that DKIM-sign beside the event loop (an RSA-2048 signature costs ~0.75 ms of CPU); 0 signs on the event loop',
  },
  POSTLINE_MTA_SOURCE_POOLS: {
    kind: 'string',
    default: '',
    doc: "source IP pools, `<pool>=<ip>[,<ip>...];...` (e.g. `default=192.0.2.10,192.0.2.11;transactional=192.0.2.20`); a message uses its pool (or its domain policy's), each connection the next address of it; empty: the system picks the source address",
  },
  POSTLINE_MTA_DNS_SERVERS: {
    kind: 'string',
    default: '',
    doc: 'comma-separated resolver addresses (`ip` or `ip:port`) for MX lookups; empty: the system resolver',
  },
  POSTLINE_MTA_DNS_CACHE_SECONDS: {
    kind: 'int',
    min: 1,
    max: 86400,
    default: '300',
    doc: 'how long an MX answer is reused (temporary DNS failures: 30 s)',
  },
  POSTLINE_MTA_MAX_BUFFERED_MB_PER_PARTITION: {
    kind: 'int',
    min: 1,
    max: 4096,
    default: '16',
    doc: 'queued mail of one mail.outbound partition above which the partition is paused (resumed at half)',
  },
  POSTLINE_MTA_MAX_QUEUED_PER_SLOW_DESTINATION: {
    kind: 'int',
    min: 10,
    max: 1000000,
    default: '1000',
    doc: 'messages a rate-limited, backed-off or suspended destination may hold in memory; more wait in a retry topic until its budget can take them',
  },
  POSTLINE_MTA_COMMIT_INTERVAL_MS: {
    kind: 'int',
    min: 10,
    max: 60000,
    default: '100',
    doc: 'longest time between an outcome becoming final and its offset being committed (what a crash may deliver twice)',
  },
  POSTLINE_MTA_IDLE_SESSION_MS: {
    kind: 'int',
    min: 100,
    max: 600000,
    default: '10000',
    doc: 'an idle SMTP session is closed after this long',
  },
  POSTLINE_MTA_NEW_GROUP_START: {
    kind: 'enum',
    values: ['earliest', 'latest'] as const,
    default: 'earliest',
    doc: 'where a consumer group without committed offsets starts on mail.outbound and the retry topics; `latest` skips mail already there (test and benchmark setups only)',
  },
  POSTLINE_MTA_CONTROL_SYNC_MS: {
    kind: 'int',
    min: 100,
    max: 600000,
    default: '5000',
    doc: 'how often each pod reads operator decisions (policy overrides, suspensions, queue bounces) from MongoDB',
  },
  POSTLINE_MTA_DRAIN_TIMEOUT_MS: {
    kind: 'int',
    min: 0,
    max: 600000,
    default: '20000',
    doc: 'on shutdown, how long deliveries in flight may take to finish before the pod exits (unfinished ones are redelivered)',
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
  let retryTiers: RetryTier[] = [];
  try {
    retryTiers = parseRetryTiers(config.POSTLINE_MTA_RETRY_TIERS);
  } catch (e) {
    problems.push(`POSTLINE_MTA_RETRY_TIERS ${(e as Error).message}`);
  }
  let policies: PolicyBook | undefined;
  try {
    policies = loadPolicyBook(config);
  } catch (e) {
    if (!(e instanceof PolicyDocumentError) && !isFileError(e)) throw e;
    problems.push(`POSTLINE_MTA_POLICY_FILE ${(e as Error).message}`);
  }
  let dkimKeys: DkimKeyRing | undefined;
  if (config.POSTLINE_MTA_DKIM_KEYS_DIR) {
    try {
      dkimKeys = DkimKeyRing.fromDirectory(config.POSTLINE_MTA_DKIM_KEYS_DIR);
    } catch (e) {
      if (!(e instanceof DkimError) && !isFileError(e)) throw e;
      problems.push(`POSTLINE_MTA_DKIM_KEYS_DIR ${(e as Error).message}`);
    }
  }
  let sourcePools: SourcePools | undefined;
  try {
    sourcePools = parseSourcePools(config.POSTLINE_MTA_SOURCE_POOLS);
  } catch (e) {
    if (!(e instanceof SourcePoolError)) throw e;
    problems.push(...e.problems.map((p) => `POSTLINE_MTA_SOURCE_POOLS ${p}`));
  }
  const dnsServers = config.POSTLINE_MTA_DNS_SERVERS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const server of dnsServers) {
    if (!/^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|\[?[0-9a-fA-F:]+\]?(:\d{1,5})?)$/.test(server)) {
      problems.push(
        `POSTLINE_MTA_DNS_SERVERS entry "${server}" is not an IP address (ip or ip:port)`,
      );
    }
  }
  if (problems.length > 0 || !routes) throw new ConfigValidationError(problems);
  if (problems.length > 0 || !routes || !policies || !sourcePools) {
    throw new ConfigValidationError(problems);
  }
  return {
    consumerGroup: config.POSTLINE_MTA_CONSUMER_GROUP,
    retryConsumerGroup: config.POSTLINE_MTA_RETRY_CONSUMER_GROUP,
    routes,
    policies,
    loadPolicies: () => loadPolicyBook(config),
    controlSyncMs: config.POSTLINE_MTA_CONTROL_SYNC_MS,
    newGroupFromBeginning: config.POSTLINE_MTA_NEW_GROUP_START === 'earliest',
    retryTiers,
    dkimKeys,
    dkimWorkers: config.POSTLINE_MTA_DKIM_WORKERS,
    dnsServers,
    sourcePools,
    dnsCacheMs: config.POSTLINE_MTA_DNS_CACHE_SECONDS * 1000,
    smtp: {
      ehloName: config.POSTLINE_MTA_EHLO_NAME,
      maxMessagesPerConnection: config.POSTLINE_MTA_MAX_MESSAGES_PER_CONNECTION,
      connectionTimeoutMs: config.POSTLINE_MTA_CONNECT_TIMEOUT_MS,
      greetingTimeoutMs: config.POSTLINE_MTA_GREETING_TIMEOUT_MS,
      socketTimeoutMs: config.POSTLINE_MTA_SOCKET_TIMEOUT_MS,
      verifyLocalTls: config.POSTLINE_MTA_VERIFY_LOCAL_TLS,
      idleSessionTimeoutMs: config.POSTLINE_MTA_IDLE_SESSION_MS,
    },
    maxInflightDeliveries: config.POSTLINE_MTA_MAX_INFLIGHT,
    maxBufferedBytesPerPartition: config.POSTLINE_MTA_MAX_BUFFERED_MB_PER_PARTITION * 1024 * 1024,
    commitIntervalMs: config.POSTLINE_MTA_COMMIT_INTERVAL_MS,
    maxQueuedPerSlowDestination: config.POSTLINE_MTA_MAX_QUEUED_PER_SLOW_DESTINATION,
    drainTimeoutMs: config.POSTLINE_MTA_DRAIN_TIMEOUT_MS,
  };
}

/** The policy file, or built-in defaults with the connection settings from the environment. */
function loadPolicyBook(config: MtaConfig): PolicyBook {
  const envDefaults = {
    maxConnections: config.POSTLINE_MTA_MAX_CONNECTIONS_PER_HOP,
    maxMessagesPerConnection: config.POSTLINE_MTA_MAX_MESSAGES_PER_CONNECTION,
  };
  if (!config.POSTLINE_MTA_POLICY_FILE)
    return new PolicyBook({ ...BUILTIN_DEFAULTS, ...envDefaults }, []);
  const text = readFileSync(config.POSTLINE_MTA_POLICY_FILE, 'utf8');
  return PolicyBook.fromYaml(text, config.POSTLINE_MTA_POLICY_FILE);
}

function isFileError(e: unknown): boolean {
  return (
    typeof (e as { code?: unknown })?.code === 'string' &&
    /^E[A-Z]+$/.test((e as { code: string }).code) &&
    'syscall' in (e as object)
  );
}
