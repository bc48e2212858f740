// Scenario: the recipient's server refuses the address with 550 5.1.1 at RCPT.
// The message becomes a BOUNCED event carrying that reply, is not retried, and
// nothing is delivered anywhere.
import { events } from '@postline/contracts';
import { MailpitClient } from '@postline/platform/testing';
import {
  outboundMessage,
  produceOutbound,
  runDomain,
  startPeerScenario,
  waitForCommitted,
  type PeerScenario,
} from './support/mta-e2e';

const BOUNCED = events.DeliveryEventType.DELIVERY_EVENT_TYPE_BOUNCED;

describe('mta reports a permanent refusal', () => {
  const domain = runDomain();
  const recipient = `nobody@${domain}`;
  const message = outboundMessage(domain, recipient, 'perm-fail');
  let scenario: PeerScenario;

  beforeAll(async () => {
    scenario = await startPeerScenario(
      domain,
      {
        rcptTo: (to) => `550 5.1.1 <${to}>: Recipient address rejected: User unknown`,
      },
      new Set([message.messageId]),
    );
  });

  afterAll(() => scenario?.stop());

  it('emits BOUNCED with 550 5.1.1 and delivers nothing', async () => {
    const { kafka, tap, mta, peer: refusingPeer } = scenario;
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
