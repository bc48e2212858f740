// Scenario: messages on mail.outbound.v1 for a domain routed to the Mailpit
// sink are delivered there exactly once each, and each yields one DELIVERED
// event on mail.events.v1 with the sink's 250 reply.
import { randomUUID } from 'node:crypto';
import { events } from '@postline/contracts';
import type { ScriptedSmtpPeer } from '@postline/mta/testing';
import { MailpitClient, infra } from '@postline/platform/testing';
import type { Kafka } from 'kafkajs';
import {
  EventTap,
  kafkaClient,
  outboundMessage,
  produceOutbound,
  runDomain,
  startCatchAllPeer,
  startMta,
  waitForCommitted,
  type RunningMta,
} from './support/mta-e2e';

const N = 5;
const DELIVERED = events.DeliveryEventType.DELIVERY_EVENT_TYPE_DELIVERED;

describe('mta delivers to the SMTP sink', () => {
  const domain = runDomain();
  const token = `mta-e2e-${randomUUID()}`;
  // Campaign mail: the campaign and subscriber ids must travel into every event.
  const messages = Array.from({ length: N }, (_, i) => ({
    ...outboundMessage(domain, `user${i}@${domain}`, `${token} #${i}`),
    campaignId: 'c-e2e',
    subscriberId: `s-e2e-${i}`,
  }));
  // Produced after the N on the same partition: once it is handled and committed, any
  // re-handling of the N (a redelivered batch) would already have happened.
  const sentinel = outboundMessage(domain, `sentinel@${domain}`, 'sentinel');
  let catchAll: ScriptedSmtpPeer;
  let mta: RunningMta;
  let kafka: Kafka;
  let tap: EventTap;

  beforeAll(async () => {
    catchAll = await startCatchAllPeer();
    mta = await startMta(`*=127.0.0.1:${catchAll.port},${domain}=${infra.smtpSink}`);
    kafka = kafkaClient();
    tap = await EventTap.start(kafka, new Set([...messages, sentinel].map((m) => m.messageId)));
  });

  afterAll(async () => {
    await tap?.stop();
    await mta?.service.stop();
    await catchAll?.close();
  });

  it(`delivers ${N} messages to Mailpit once each and reports ${N} DELIVERED events`, async () => {
    await produceOutbound(kafka, messages);

    const delivered = await tap.waitFor((seen) => {
      const byId = new Map(seen.filter((e) => e.type === DELIVERED).map((e) => [e.messageId, e]));
      return byId.size === N ? byId : undefined;
    }, `${N} DELIVERED events`);
    for (const m of messages) {
      expect(delivered.get(m.messageId)).toMatchObject({
        eventId: `${m.messageId}:delivered:1`,
        tenantId: 'default',
        campaignId: 'c-e2e',
        subscriberId: m.subscriberId,
        recipient: m.envelope!.rcptTo[0],
        attempt: 1,
        mxHost: '127.0.0.1',
        reply: expect.objectContaining({ code: 250, enhancedCode: '2.0.0' }),
      });
    }

    // Exactly once: nothing more arrives for the N once a later record on their partition is done.
    const positions = await produceOutbound(kafka, [sentinel]);
    await tap.waitFor(
      (seen) => seen.find((e) => e.messageId === sentinel.messageId),
      'the sentinel',
    );
    await waitForCommitted(kafka, mta.consumerGroup, positions);
    const found = await new MailpitClient().search(`subject:"${token}"`);
    expect(found.total).toBe(N);
    expect(found.messages.flatMap((m) => m.To.map((t) => t.Address)).sort()).toEqual(
      messages.map((m) => m.envelope!.rcptTo[0]).sort(),
    );
    expect(
      tap.events
        .filter((e) => e.messageId !== sentinel.messageId)
        .map((e) => e.eventId)
        .sort(),
    ).toEqual(messages.map((m) => `${m.messageId}:delivered:1`).sort());
  });
});
