// Scenario: the receiver answers 451 4.7.1 to the first attempt and 250 to the
// next. The first attempt yields a DEFERRED event with the reply and the next
// attempt time; the message waits in the 1s retry tier topic, the forwarder
// puts it back on mail.outbound when due, and attempt 2 yields DELIVERED.
import { events } from '@postline/contracts';
import { ScriptedSmtpPeer } from '@postline/mta/testing';
import type { Kafka } from 'kafkajs';
import {
  EventTap,
  kafkaClient,
  outboundMessage,
  policyFile,
  produceOutbound,
  runDomain,
  startCatchAllPeer,
  startMta,
  waitForCommitted,
  type RunningMta,
} from './support/mta-e2e';

const { DELIVERY_EVENT_TYPE_DEFERRED: DEFERRED, DELIVERY_EVENT_TYPE_DELIVERED: DELIVERED } =
  events.DeliveryEventType;

describe('mta retries a temporary failure through a retry topic', () => {
  const domain = runDomain();
  const recipient = `later@${domain}`;
  const message = outboundMessage(domain, recipient, 'temp-fail');
  let catchAll: ScriptedSmtpPeer;
  let peer: ScriptedSmtpPeer;
  let mta: RunningMta;
  let kafka: Kafka;
  let tap: EventTap;
  let answered = 0;

  beforeAll(async () => {
    catchAll = await startCatchAllPeer();
    peer = await ScriptedSmtpPeer.start({
      name: `mx.${domain}`,
      data: () =>
        answered++ === 0 ? '451 4.7.1 Greylisted, try again later' : '250 2.0.0 Ok: queued as X1',
    });
    mta = await startMta(`*=127.0.0.1:${catchAll.port},${domain}=127.0.0.1:${peer.port}`, {
      POSTLINE_MTA_RETRY_TIERS: '1s',
      POSTLINE_MTA_POLICY_FILE: policyFile('defaults:\n  retrySchedule: [1s]\n  bounceAfter: 1h\n'),
    });
    kafka = kafkaClient();
    tap = await EventTap.start(kafka, new Set([message.messageId]));
  });

  afterAll(async () => {
    await tap?.stop();
    await mta?.service.stop();
    await Promise.all([catchAll?.close(), peer?.close()]);
  });

  it('defers with the reply and next attempt time, then delivers on attempt 2', async () => {
    const positions = await produceOutbound(kafka, [message]);
    const delivered = await tap.waitFor(
      (seen) => seen.find((e) => e.type === DELIVERED),
      'a DELIVERED event after the retry',
    );
    const deferred = tap.events.find((e) => e.type === DEFERRED);
    expect(deferred).toMatchObject({
      eventId: `${message.messageId}:deferred:1`,
      attempt: 1,
      recipient,
      reply: { code: 451, enhancedCode: '4.7.1', text: 'Greylisted, try again later' },
      hardBounce: false,
    });
    // The next attempt is the policy's 1 s after the first attempt, and did not happen before it.
    const due = deferred!.nextAttemptAt!.getTime();
    expect(due - deferred!.occurredAt!.getTime()).toBeGreaterThanOrEqual(900);
    expect(delivered).toMatchObject({ eventId: `${message.messageId}:delivered:2`, attempt: 2 });
    expect(delivered.occurredAt!.getTime()).toBeGreaterThanOrEqual(due);
    expect(peer.transactions.map((t) => t.verdict)).toEqual([
      '451 4.7.1 Greylisted, try again later',
      '250 2.0.0 Ok: queued as X1',
    ]);
    // The original record is final (handed to the retry topic) and committed.
    await waitForCommitted(kafka, mta.consumerGroup, positions);
  });
});
