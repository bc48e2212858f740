// Pins how the bounce classifier's verdict lands on mail.events: the category
// on deferred and bounced events, the hard flag only on bounced ones; and the
// attempt facts each event carries (next attempt, TLS, DKIM domain).
import { events } from '@postline/contracts';
import type { DeliveryResult } from '@postline/mta/dispatch';
import { expiryReply } from './attempt-outcome';
import { buildDeliveryEvent } from './delivery-event';

const C = events.BounceCategory;
const message = events.OutboundMessage.fromPartial({
  messageId: 'm1',
  envelope: { mailFrom: 'b@postline.test', rcptTo: ['a@example.com'] },
});
const at = new Date('2025-01-02T03:04:05Z');

function eventFor(
  outcome: DeliveryResult['outcome'],
  code: number,
  enhancedCode: string,
  text: string,
) {
  const result: DeliveryResult = {
    recipient: 'a@example.com',
    outcome,
    reply: { code, enhancedCode, text },
    mxHost: 'mx.example.com',
  };
  return buildDeliveryEvent(message, result, 1, at);
}

describe('buildDeliveryEvent bounce fields', () => {
  it('marks a BOUNCED unknown mailbox as a hard bad-mailbox bounce', () => {
    const event = eventFor(
      'bounced',
      550,
      '5.1.1',
      'The email account that you tried to reach does not exist.',
    );
    expect(event).toMatchObject({
      bounceCategory: C.BOUNCE_CATEGORY_BAD_MAILBOX,
      hardBounce: true,
    });
  });

  it('keeps a BOUNCED blocklist refusal soft, as a spam block', () => {
    const event = eventFor(
      'bounced',
      550,
      '5.7.1',
      'Client host [203.0.113.7] blocked using Spamhaus',
    );
    expect(event).toMatchObject({
      bounceCategory: C.BOUNCE_CATEGORY_SPAM_BLOCK,
      hardBounce: false,
    });
  });

  it('puts the category on a DEFERRED event and never marks it hard', () => {
    const event = eventFor(
      'deferred',
      452,
      '4.2.2',
      "The recipient's inbox is out of storage space.",
    );
    expect(event).toMatchObject({
      type: events.DeliveryEventType.DELIVERY_EVENT_TYPE_DEFERRED,
      bounceCategory: C.BOUNCE_CATEGORY_QUOTA,
      hardBounce: false,
    });
  });

  it('leaves a DELIVERED event without a category', () => {
    const event = eventFor('delivered', 250, '2.0.0', 'OK');
    expect(event).toMatchObject({
      bounceCategory: C.BOUNCE_CATEGORY_UNSPECIFIED,
      hardBounce: false,
    });
  });
});

describe('buildDeliveryEvent attempt facts', () => {
  const deferred: DeliveryResult = {
    recipient: 'a@example.com',
    outcome: 'deferred',
    reply: { code: 451, enhancedCode: '4.7.1', text: 'greylisted' },
    mxHost: 'mx.example.com',
  };

  it('says on a DEFERRED event when the next attempt is', () => {
    const next = new Date('2025-01-02T03:14:05Z');
    const event = buildDeliveryEvent(message, { ...deferred, nextAttemptAt: next }, 1, at);
    expect(event.nextAttemptAt).toEqual(next);
  });

  it('leaves the next attempt out when none is planned', () => {
    expect(eventFor('delivered', 250, '2.0.0', 'OK').nextAttemptAt).toBeUndefined();
  });

  it('records that the session used TLS and the DKIM domain the message was signed for', () => {
    const event = buildDeliveryEvent(message, deferred, 1, at, {
      tls: true,
      dkimDomain: 'postline.test',
    });
    expect(event).toMatchObject({ tls: true, dkimDomain: 'postline.test' });
  });

  it('reports no TLS and no DKIM domain when the attempt had neither', () => {
    expect(buildDeliveryEvent(message, deferred, 1, at)).toMatchObject({
      tls: false,
      dkimDomain: '',
    });
    expect(buildDeliveryEvent(message, deferred, 1, at, { tls: false })).toMatchObject({
      tls: false,
      dkimDomain: '',
    });
  });

  it('classifies an expired bounce as EXPIRED and never hard, whatever the last reply said', () => {
    // Without the expiry flag this text reads as an unknown mailbox: a hard bounce.
    const last = { code: 450, enhancedCode: '4.1.1', text: 'mailbox does not exist' };
    const event = buildDeliveryEvent(
      message,
      {
        ...deferred,
        outcome: 'bounced',
        reply: expiryReply(last, 7),
        expired: true,
      },
      7,
      at,
    );
    expect(event).toMatchObject({
      type: events.DeliveryEventType.DELIVERY_EVENT_TYPE_BOUNCED,
      reply: { code: 550, enhancedCode: '5.4.7' },
      bounceCategory: C.BOUNCE_CATEGORY_EXPIRED,
      hardBounce: false,
    });
    expect(event.reply?.text).toContain('450 4.1.1 mailbox does not exist');
  });
});
