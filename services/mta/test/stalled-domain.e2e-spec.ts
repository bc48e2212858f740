// Scenario: two domains share one mail.outbound partition. The first domain's
// MX accepts connections and never says a word; the second domain's messages,
// queued behind it on the partition, are all delivered anyway (no head-of-line
// blocking), while the committed offset stays below the stalled records (the
// commit watermark): a crash now would re-deliver them, never skip them.
import * as net from 'node:net';
import { events } from '@postline/contracts';
import { ScriptedSmtpPeer } from '@postline/mta/testing';
import { Topics } from '@postline/platform/kafka';
import type { Kafka } from 'kafkajs';
import {
  EventTap,
  kafkaClient,
  outboundMessage,
  produceOutbound,
  runDomain,
  startCatchAllPeer,
  startMta,
  type RunningMta,
} from './support/mta-e2e';

const FAST = 40;
const DELIVERED = events.DeliveryEventType.DELIVERY_EVENT_TYPE_DELIVERED;

describe('mta keeps delivering other domains while one domain stalls', () => {
  const stalledDomain = runDomain();
  const fastDomain = runDomain();
  const stalled = [1, 2, 3].map((i) =>
    outboundMessage(stalledDomain, `u${i}@${stalledDomain}`, 'stalled'),
  );
  const fast = Array.from({ length: FAST }, (_, i) =>
    outboundMessage(fastDomain, `u${i}@${fastDomain}`, `fast ${i}`),
  );
  let silentServer: net.Server;
  const silentSockets = new Set<net.Socket>();
  let catchAll: ScriptedSmtpPeer;
  let fastPeer: ScriptedSmtpPeer;
  let mta: RunningMta;
  let kafka: Kafka;
  let tap: EventTap;

  beforeAll(async () => {
    silentServer = net.createServer((socket) => {
      silentSockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
    const silentPort = (silentServer.address() as net.AddressInfo).port;
    catchAll = await startCatchAllPeer();
    fastPeer = await ScriptedSmtpPeer.start({ name: `mx.${fastDomain}` });
    mta = await startMta(
      `*=127.0.0.1:${catchAll.port},${stalledDomain}=127.0.0.1:${silentPort},${fastDomain}=127.0.0.1:${fastPeer.port}`,
      // Long enough that the stalled connections are still waiting when the test looks.
      { POSTLINE_MTA_GREETING_TIMEOUT_MS: '120000' },
    );
    kafka = kafkaClient();
    tap = await EventTap.start(kafka, new Set([...stalled, ...fast].map((m) => m.messageId)));
  });

  afterAll(async () => {
    await tap?.stop();
    for (const s of silentSockets) s.destroy();
    silentServer?.close();
    await mta?.service.stop();
    await Promise.all([catchAll?.close(), fastPeer?.close()]);
  });

  it('delivers every message of the fast domain queued behind the stalled one on the same partition', async () => {
    // Stalled domain first, on partition 0, then the fast domain on the same partition.
    const stalledAt = await produceOutbound(kafka, stalled, 0);
    await produceOutbound(kafka, fast, 0);
    await tap.waitFor(
      (seen) => (seen.filter((e) => e.type === DELIVERED).length === FAST ? true : undefined),
      `${FAST} DELIVERED events for the fast domain`,
    );
    expect(fastPeer.delivered).toHaveLength(FAST);
    // The stalled domain's messages are still in flight: connected, no outcome, nothing committed past them.
    expect(silentSockets.size).toBeGreaterThan(0);
    expect(tap.events.filter((e) => stalled.some((m) => m.messageId === e.messageId))).toEqual([]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({
        groupId: mta.consumerGroup,
        topics: [Topics.outbound],
      });
      const committed = BigInt(offsets.partitions.find((p) => p.partition === 0)?.offset ?? '-1');
      const firstStalled = stalledAt.get(0)! - BigInt(stalled.length - 1);
      expect(committed).toBeLessThanOrEqual(firstStalled);
    } finally {
      await admin.disconnect();
    }
  });
});
