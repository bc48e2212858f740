// Scenario: the recipient's server refuses the address with 550 5.1.1 at RCPT.
// The message becomes a BOUNCED event carrying that reply, is not retried, and
// nothing is delivered anywhere.
import { events } from '@postline/contracts';
import { ScriptedSmtpPeer } from '@postline/mta/testing';
import { MailpitClient } from '@postline/platform/testing';
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

const BOUNCED = events.DeliveryEventType.DELIVERY_EVENT_TYPE_BOUNCED;

describe('mta reports a permanent refusal', () => {
  const domain = runDomain();
  const recipient = `nobody@${domain}`;
  const message = outboundMessage(domain, recipient, 'perm-fail');
  let catchAll: ScriptedSmtpPeer;
  let refusingPeer: ScriptedSmtpPeer;
  let mta: RunningMta;
  let kafka: Kafka;
  let tap: EventTap;

  beforeAll(async () => {
    catchAll = await startCatchAllPeer();
    refusingPeer = await ScriptedSmtpPeer.start({
      name: `mx.${domain}`,
      rcptTo: (to) => `550 5.1.1 <${to}>: Recipient address rejected: User unknown`,
    });
    mta = await startMta(`*=127.0.0.1:${catchAll.port},${domain}=127.0.0.1:${refusingPeer.port}`);
    kafka = kafkaClient();
    tap = await EventTap.start(kafka, new Set([message.messageId]));
  });

  afterAll(async () => {
    await tap?.stop();
    await mta?.service.stop();
    await Promise.all([catchAll?.close(), refusingPeer?.close()]);
  });

  it('emits BOUNCED with 550 5.1.1 and delivers nothing', async () => {
    const positions = await produceOutbound(kafka, [message]);

    const bounce = await tap.waitFor(
      (seen) => seen.find((e) => e.type === BOUNCED),
      'a BOUNCED event',
    );
    expect(bounce).toMatchObject({
      eventId: `${message.messageId}:bounced:1`,
      recipient,
      attempt: 1,
      mxHost: '127.0.0.1',
      reply: {
        code: 550,
        enhancedCode: '5.1.1',
        text: `<${recipient}>: Recipient address rejected: User unknown`,
      },
      hardBounce: true,
      bounceCategory: events.BounceCategory.BOUNCE_CATEGORY_BAD_MAILBOX,
    });

    // A bounce is final: the offset is committed, with no deferral, retry or delivery on the way.
    await waitForCommitted(kafka, mta.consumerGroup, positions);
    expect(refusingPeer.connections).toBe(1);
    expect(refusingPeer.transactions).toEqual([]);
    expect((await new MailpitClient().search(`to:${domain}`)).total).toBe(0);
    expect(tap.events.map((e) => e.eventId)).toEqual([bounce.eventId]);
  });
});
