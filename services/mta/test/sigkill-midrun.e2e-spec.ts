// Scenario: a worker is killed with SIGKILL in the middle of a 10,000-message
// run and a new one takes over its consumer group. Every message reaches the
// receiver at least once (nothing lost: offsets were committed only past
// final records); messages delivered just before the kill whose offsets were
// not yet committed are delivered again, and that count is reported.
import { events } from '@postline/contracts';
import { ScriptedSmtpPeer } from '@postline/mta/testing';
import { Topics, encodePayload } from '@postline/platform/kafka';
import { eventually } from '@postline/platform/testing';
import { Partitioners, type Kafka } from 'kafkajs';
import {
  kafkaClient,
  outboundMessage,
  runDomain,
  startCatchAllPeer,
  startMta,
  type RunningMta,
} from './support/mta-e2e';

const TOTAL = 10_000;
const KILL_AFTER = 3_000;

async function produceAll(kafka: Kafka, messages: events.OutboundMessage[]): Promise<void> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({
        topic: Topics.outbound,
        acks: -1,
        messages: messages.slice(i, i + 500).map((m) => ({
          key: m.routingKey,
          value: encodePayload(events.OutboundMessage, m),
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

describe('mta loses nothing when a worker is killed mid-run', () => {
  const domains = [runDomain(), runDomain(), runDomain(), runDomain()];
  const messages = Array.from({ length: TOTAL }, (_, i) => {
    const domain = domains[i % domains.length];
    return outboundMessage(domain, `u${i}@${domain}`, `kill run ${i}`);
  });
  const deliveries = new Map<string, number>();
  let catchAll: ScriptedSmtpPeer;
  let peer: ScriptedSmtpPeer;
  let first: RunningMta;
  let second: RunningMta | undefined;
  let kafka: Kafka;

  beforeAll(async () => {
    catchAll = await startCatchAllPeer();
    peer = await ScriptedSmtpPeer.start({
      name: 'mx.kill.mta-e2e.test',
      data: (data) => {
        const id = /^Message-ID: <([0-9a-f]+)@/m.exec(data.toString('latin1'))?.[1] ?? 'none';
        deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
        return '250 2.0.0 Ok';
      },
    });
    const routes = [
      `*=127.0.0.1:${catchAll.port}`,
      ...domains.map((d) => `${d}=127.0.0.1:${peer.port}`),
    ];
    first = await startMta(routes.join(','));
    kafka = kafkaClient();
  });

  afterAll(async () => {
    await second?.service.stop();
    await first?.service.stop();
    await Promise.all([catchAll?.close(), peer?.close()]);
  });

  it('delivers every message at least once after a SIGKILL and a takeover', async () => {
    await produceAll(kafka, messages);
    await eventually(
      async () => (deliveries.size >= KILL_AFTER ? true : undefined),
      120_000,
      `${KILL_AFTER} messages delivered before the kill`,
      20,
    );
    first.service.child.kill('SIGKILL');
    await first.service.exited();
    const beforeTakeover = deliveries.size;
    expect(beforeTakeover).toBeLessThan(TOTAL);

    const routes = [
      `*=127.0.0.1:${catchAll.port}`,
      ...domains.map((d) => `${d}=127.0.0.1:${peer.port}`),
    ];
    // The group has offsets wherever the first worker committed; a partition it never committed on
    // must be read from the start, not skipped.
    second = await startMta(
      routes.join(','),
      { POSTLINE_MTA_NEW_GROUP_START: 'earliest' },
      first.consumerGroup,
    );
    await eventually(
      async () => (messages.every((m) => deliveries.has(m.messageId)) ? true : undefined),
      180_000,
      'every message delivered after the takeover',
      100,
    );
    const duplicates = [...deliveries.values()].reduce((sum, n) => sum + n - 1, 0);
    const rate = duplicates / TOTAL;
    process.stdout.write(
      `sigkill-midrun: ${TOTAL} messages, ${beforeTakeover} delivered before the kill, ` +
        `${duplicates} delivered twice (${(rate * 100).toFixed(2)}%)\n`,
    );
    expect(deliveries.size).toBe(TOTAL);
    // Duplicates come only from the last moments before the kill (commit interval plus sessions in flight).
    expect(rate).toBeLessThan(0.01);
  });
});
