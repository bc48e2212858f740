// Builds the mail.events.v1 record for one recipient result. Event ids are
// deterministic, so a batch that Kafka redelivers yields the same ids and
// consumers drop the repeats (docs/pipeline-contract.md).
import { events } from '@postline/contracts';
import type { DeliveryOutcome, DeliveryResult } from '@postline/mta/dispatch';
import { encodePayload, type OutgoingRecord } from '@postline/platform/kafka';

const TYPES: Record<DeliveryOutcome, events.DeliveryEventType> = {
  delivered: events.DeliveryEventType.DELIVERY_EVENT_TYPE_DELIVERED,
  deferred: events.DeliveryEventType.DELIVERY_EVENT_TYPE_DEFERRED,
  bounced: events.DeliveryEventType.DELIVERY_EVENT_TYPE_BOUNCED,
};

/**
 * Provisional until the bounce classifier (libs/mta/bounce) exists: only
 * replies that unambiguously condemn the address or domain count as hard,
 * so that a policy or content refusal never gets a subscriber suppressed.
 */
const HARD_BOUNCES: Record<string, events.BounceCategory> = {
  '5.1.1': events.BounceCategory.BOUNCE_CATEGORY_BAD_MAILBOX,
  '5.1.3': events.BounceCategory.BOUNCE_CATEGORY_BAD_MAILBOX,
  '5.1.2': events.BounceCategory.BOUNCE_CATEGORY_BAD_DOMAIN,
  '5.1.10': events.BounceCategory.BOUNCE_CATEGORY_BAD_DOMAIN,
};

/**
 * `<messageId>:<type>:<attempt>` as the contract says. An envelope with several
 * recipients (submission may send one message to many addresses at a domain)
 * would give them all one id, so there the recipient's position in the
 * envelope is appended: `<messageId>:<type>:<attempt>:<index>`.
 */
export function deliveryEventId(
  messageId: string,
  outcome: DeliveryOutcome,
  attempt: number,
  recipientIndex?: number,
): string {
  const base = `${messageId}:${outcome}:${attempt}`;
  return recipientIndex === undefined ? base : `${base}:${recipientIndex}`;
}

export function buildDeliveryEvent(
  message: events.OutboundMessage,
  result: DeliveryResult,
  attempt: number,
  occurredAt: Date,
): events.DeliveryEvent {
  const rcptTo = message.envelope?.rcptTo ?? [];
  const index = rcptTo.length > 1 ? rcptTo.indexOf(result.recipient) : undefined;
  const hardCategory =
    result.outcome === 'bounced' ? HARD_BOUNCES[result.reply.enhancedCode] : undefined;
  return events.DeliveryEvent.fromPartial({
    eventId: deliveryEventId(message.messageId, result.outcome, attempt, index),
    messageId: message.messageId,
    tenantId: message.tenantId,
    campaignId: message.campaignId,
    subscriberId: message.subscriberId,
    variantId: message.variantId,
    recipient: result.recipient,
    type: TYPES[result.outcome],
    occurredAt,
    attempt,
    reply: {
      code: result.reply.code,
      enhancedCode: result.reply.enhancedCode,
      text: result.reply.text,
    },
    mxHost: result.mxHost,
    bounceCategory:
      result.outcome === 'bounced'
        ? (hardCategory ?? events.BounceCategory.BOUNCE_CATEGORY_OTHER)
        : events.BounceCategory.BOUNCE_CATEGORY_UNSPECIFIED,
    hardBounce: hardCategory !== undefined,
  });
}

/** The Kafka record: keyed by message id so all events of a message stay in order on one partition. */
export function deliveryEventRecord(event: events.DeliveryEvent): OutgoingRecord {
  return { key: event.messageId, value: encodePayload(events.DeliveryEvent, event) };
}
