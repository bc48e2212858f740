// Connection to the Kafka cluster, with kafkajs' own logs routed into pino and
// topic creation that is safe to repeat on every boot.
import { Kafka, logLevel, type Admin, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka({ brokers, clientId, logger }: KafkaClientOptions): Kafka {
  const log = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 5000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 200, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        // kafkajs logs expected rebalances and coordinator moves at ERROR; keep them as warnings.
        const lvl = LEVELS[level] ?? 'info';
        log[lvl === 'error' && /rebalanc|coordinator/i.test(message) ? 'warn' : lvl](rest, message);
      },
  });
}

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
}

/**
 * Creates missing topics, then waits until every partition of every topic has a
 * leader. Several services boot at once and create the same topics; one that
 * finds a topic another has just created must not use it before its leaders exist,
 * and a broker that answers "does not host this topic-partition" while another
 * service's topic is still being created is asked again, not taken as fatal.
 */
export async function ensureTopics(
  admin: Admin,
  specs: TopicSpec[],
  timeoutMs = 30000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await createMissing(admin, specs);
      break;
    } catch (e) {
      if ((e as { retriable?: boolean }).retriable !== true || Date.now() >= deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  await waitForLeaders(
    admin,
    specs.map((s) => s.topic),
    Math.max(deadline - Date.now(), 1000),
  );
}

async function createMissing(admin: Admin, specs: TopicSpec[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length === 0) return;
  try {
    // Leaders are awaited below, for every topic, with retries of our own.
    await admin.createTopics({ topics: missing, waitForLeaders: false });
  } catch (e) {
    // Another service may have created the same topic between list and create.
    if ((e as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw e;
  }
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let reason = '';
  while (Date.now() < deadline) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const leaderless = metadata.filter(
        (t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0),
      );
      if (leaderless.length === 0) return;
      reason = `no leader yet for ${leaderless.map((t) => t.name).join(', ')}`;
    } catch (e) {
      if ((e as { retriable?: boolean }).retriable === false) throw e;
      reason = (e as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Kafka topics not ready after ${timeoutMs} ms: ${reason}`);
}
