// Pins how the bounce classifier's verdict lands on mail.events: the category
// on deferred and bounced events, the hard flag only on bounced ones.
import { events } from '@postline/contracts';
import type { DeliveryResult } from '@postline/mta/dispatch';
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
