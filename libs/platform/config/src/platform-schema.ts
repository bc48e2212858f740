// Settings every Postline service shares: where Kafka and MongoDB are, and the
// ports it serves. Services extend this with their own settings.
import type { EnvSchema } from './env-schema';

export const platformSchema = {
  POSTLINE_LOG_LEVEL: {
    kind: 'enum',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: 'info',
    doc: 'pino log level',
  },
  POSTLINE_KAFKA_BROKERS: {
    kind: 'hostPortList',
    default: '127.0.0.1:39092',
    doc: 'Kafka bootstrap brokers, comma-separated host:port',
  },
  POSTLINE_KAFKA_TOPIC_PARTITIONS: {
    kind: 'int',
    min: 1,
    max: 1024,
    default: '4',
    doc: 'partitions for topics this service creates when missing',
  },
  POSTLINE_KAFKA_REPLICATION_FACTOR: {
    kind: 'int',
    min: 1,
    max: 7,
    default: '1',
    doc: 'replication factor for topics this service creates when missing',
  },
  POSTLINE_MONGO_URI: {
    kind: 'url',
    protocols: ['mongodb', 'mongodb+srv'],
    default: 'mongodb://127.0.0.1:37017',
    doc: 'MongoDB server (the database name is per service)',
  },
  POSTLINE_HTTP_PORT: {
    kind: 'int',
    min: 0,
    max: 65535,
    doc: 'HTTP port for REST, /healthz, /readyz and /metrics',
  },
  POSTLINE_GRPC_PORT: { kind: 'int', min: 0, max: 65535, doc: 'gRPC port' },
  POSTLINE_BIND_HOST: {
    kind: 'string',
    default: '127.0.0.1',
    doc: 'address the HTTP and gRPC servers bind to (0.0.0.0 in a pod)',
  },
  POSTLINE_SHUTDOWN_GRACE_MS: {
    kind: 'int',
    min: 0,
    default: '20000',
    doc: 'how long SIGTERM waits for in-flight work',
  },
} satisfies EnvSchema;
