// Shared pieces of the mta scenarios: start the built service with routes,
// produce OutboundMessages, tap mail.events.v1 for this run's message ids, and
// wait until the service's consumer group has committed past them.
//
// Isolation: every scenario runs its own consumer group, and routes every
// domain except its own to a local catch-all peer. Records other runs and
// specs left on mail.outbound.v1 are thus finished locally and never reach
// Mailpit or the internet; the catch-all refuses other mta-e2e domains so a
// parallel scenario's messages are never reported DELIVERED by this one.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { events } from '@postline/contracts';
import { ScriptedSmtpPeer, type PeerScript } from '@postline/mta/testing';
import { Topics, createKafka, encodePayload } from '@postline/platform/kafka';
import { createLogger } from '@postline/platform/logging';
import { eventually, infra, startService, type ServiceProcess } from '@postline/platform/testing';
import { Partitioners, type Consumer, type Kafka } from 'kafkajs';

export const E2E_DOMAIN_SUFFIX = '.mta-e2e.test';

export function runDomain(): string {
  return `r${randomUUID().slice(0, 8)}${E2E_DOMAIN_SUFFIX}`;
}

export function kafkaClient(): Kafka {
  return createKafka({
    brokers: infra.kafkaBrokers.split(','),
    clientId: `mta-e2e-${randomUUID()}`,
    logger: createLogger({ service: 'e2e', level: 'warn' }),
  });
}

/** Accepts whatever other runs left on the topic; refuses mta-e2e domains, which belong to other scenarios. */
export function startCatchAllPeer(): Promise<ScriptedSmtpPeer> {
  return ScriptedSmtpPeer.start({
    name: 'catch-all.mta-e2e.test',
    rcptTo: (to) =>
      to.endsWith(E2E_DOMAIN_SUFFIX)
        ? '550 5.7.1 not a destination of this test run'
        : '250 2.1.5 Ok',
  });
}

export interface RunningMta {
  service: ServiceProcess;
  consumerGroup: string;
}

/** Writes a domain policy file for a scenario (short retry schedules, throttles) and returns its path. */
export function policyFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mta-e2e-policy-'));
  const file = join(dir, 'policies.yaml');
  writeFileSync(file, yaml);
  return file;
}

export async function startMta(
  routes: string,
  env: Record<string, string> = {},
  consumerGroup = `postline-mta-e2e-${randomUUID()}`,
): Promise<RunningMta> {
  const service = await startService('mta', {
    POSTLINE_KAFKA_BROKERS: infra.kafkaBrokers,
    POSTLINE_MONGO_URI: infra.mongoUri,
    POSTLINE_MTA_ROUTES: routes,
    POSTLINE_MTA_CONSUMER_GROUP: consumerGroup,
    POSTLINE_MTA_EHLO_NAME: 'mta.e2e.postline.test',
    // Each scenario forwards retries with its own group; retry records of earlier runs are due and
    // go back to mail.outbound, where the catch-all peer finishes them.
    POSTLINE_MTA_RETRY_CONSUMER_GROUP: `${consumerGroup}-retry`,
    POSTLINE_MTA_COMMIT_INTERVAL_MS: '20',
    // A new scenario group handles only what the scenario produces, not the history other runs
    // left (thousands of records after a load scenario); a takeover group keeps its offsets.
    POSTLINE_MTA_NEW_GROUP_START: 'latest',
    ...env,
  });
  return { service, consumerGroup };
}

export function outboundMessage(
  domain: string,
  recipient: string,
  subject: string,
): events.OutboundMessage {
  const messageId = randomBytes(16).toString('hex');
  const raw = [
    'From: News <news@postline.test>',
    `To: <${recipient}>`,
    `Subject: ${subject}`,
    `Message-ID: <${messageId}@postline.test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hello ${recipient}.`,
    '',
  ].join('\r\n');
  return events.OutboundMessage.fromPartial({
    messageId,
    tenantId: 'default',
    routingKey: domain,
    envelope: { mailFrom: 'bounces@postline.test', rcptTo: [recipient] },
    rawMime: Buffer.from(raw),
    attempt: 1,
    firstAttemptAt: new Date(),
    source: events.MessageSource.MESSAGE_SOURCE_TRANSACTIONAL,
    // Transactional mail: no campaign or subscriber, so the campaign and list consumers of
    // mail.events skip these events (a load scenario leaves thousands of them behind).
    campaignId: '',
    subscriberId: '',
  });
}

/** The highest offset produced per partition. */
export type ProducedPositions = Map<number, bigint>;

export async function produceOutbound(
  kafka: Kafka,
  messages: events.OutboundMessage[],
  /** Puts every record on this partition (to test keys sharing one partition). */
  partition?: number,
): Promise<ProducedPositions> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    const positions: ProducedPositions = new Map();
    // One send per message, so that each record's offset is known.
    for (const m of messages) {
      const [meta] = await producer.send({
        topic: Topics.outbound,
        acks: -1,
        messages: [
          { key: m.routingKey, value: encodePayload(events.OutboundMessage, m), partition },
        ],
      });
      const offset = BigInt(meta.baseOffset ?? '-1');
      if (offset > (positions.get(meta.partition) ?? -1n)) positions.set(meta.partition, offset);
    }
    return positions;
  } finally {
    await producer.disconnect();
  }
}

/** Waits until the consumer group has committed past every produced record: their handling is final. */
export async function waitForCommitted(
  kafka: Kafka,
  groupId: string,
  positions: ProducedPositions,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await eventually(
      async () => {
        const [topic] = await admin.fetchOffsets({ groupId, topics: [Topics.outbound] });
        const committed = new Map(topic.partitions.map((p) => [p.partition, BigInt(p.offset)]));
        const done = [...positions].every(
          ([partition, last]) => (committed.get(partition) ?? -1n) > last,
        );
        return done ? true : undefined;
      },
      60000,
      `consumer group ${groupId} to commit past the produced records`,
    );
  } finally {
    await admin.disconnect();
  }
}

/** Collects DeliveryEvents of the given message ids from mail.events.v1 (fresh group, from the beginning). */
export class EventTap {
  readonly events: events.DeliveryEvent[] = [];
  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, messageIds: ReadonlySet<string>): Promise<EventTap> {
    const consumer = kafka.consumer({ groupId: `mta-e2e-tap-${randomUUID()}` });
    const tap = new EventTap(consumer);
    // Events of earlier runs are not this tap's business: it starts at the end of the topic, and
    // returns once it has joined (its start positions are fixed before the scenario produces).
    const joined = new Promise<void>((resolve) =>
      consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
    );
    await consumer.connect();
    await consumer.subscribe({ topics: [Topics.events], fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.key || !messageIds.has(message.key.toString())) return;
        tap.events.push(events.DeliveryEvent.decode(message.value!));
      },
    });
    await joined;
    return tap;
  }

  /** Waits until `select` returns a value for the events seen so far. */
  waitFor<T>(
    select: (seen: events.DeliveryEvent[]) => T | undefined,
    what: string,
    timeoutMs = 60000,
  ): Promise<T> {
    return eventually(async () => select(this.events), timeoutMs, what);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** A running single-destination scenario: its scripted MX, the catch-all, the mta and an event tap. */
export interface PeerScenario {
  peer: ScriptedSmtpPeer;
  mta: RunningMta;
  kafka: Kafka;
  tap: EventTap;
  stop(): Promise<void>;
}

/**
 * Starts the setup most scenarios share: a scripted peer as the MX of `domain`,
 * the catch-all for every other domain, an mta routed to them with `env`, and a
 * tap on mail.events.v1 for `messageIds`. `stop` tears it all down (safe after a
 * partial start, since each piece is stopped only if it started).
 */
export async function startPeerScenario(
  domain: string,
  script: PeerScript,
  messageIds: ReadonlySet<string>,
  env: Record<string, string> = {},
): Promise<PeerScenario> {
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const piece of started.splice(0).reverse()) await piece.stop();
  };
  try {
    const catchAll = await startCatchAllPeer();
    started.push({ stop: () => catchAll.close() });
    const peer = await ScriptedSmtpPeer.start({ name: `mx.${domain}`, ...script });
    started.push({ stop: () => peer.close() });
    const mta = await startMta(
      `*=127.0.0.1:${catchAll.port},${domain}=127.0.0.1:${peer.port}`,
      env,
    );
    started.push({ stop: async () => void (await mta.service.stop()) });
    const kafka = kafkaClient();
    const tap = await EventTap.start(kafka, messageIds);
    started.push(tap);
    return { peer, mta, kafka, tap, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
