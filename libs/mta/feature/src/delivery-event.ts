// Builds the mail.events.v1 record for one recipient result. Event ids are
// deterministic, so a batch that Kafka redelivers yields the same ids and
// consumers drop the repeats (docs/pipeline-contract.md).
import { events } from '@postline/contracts';
import { classifyReply } from '@postline/mta/bounce';
import type { DeliveryOutcome, DeliveryResult } from '@postline/mta/dispatch';
import type { DecidedResult } from './attempt-outcome';
import { encodePayload, type OutgoingRecord } from '@postline/platform/kafka';

const TYPES: Record<DeliveryOutcome, events.DeliveryEventType> = {
  delivered: events.DeliveryEventType.DELIVERY_EVENT_TYPE_DELIVERED,
  deferred: events.DeliveryEventType.DELIVERY_EVENT_TYPE_DEFERRED,
  bounced: events.DeliveryEventType.DELIVERY_EVENT_TYPE_BOUNCED,
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

/** Facts about the session that every event of an attempt shares. */
export interface AttemptSession {
  tls?: boolean;
  dkimDomain?: string;
}

export function buildDeliveryEvent(
  message: events.OutboundMessage,
  result: DeliveryResult | DecidedResult,
  attempt: number,
  occurredAt: Date,
  session: AttemptSession = {},
): events.DeliveryEvent {
  const decided = result as DecidedResult;
  const rcptTo = message.envelope?.rcptTo ?? [];
  const index = rcptTo.length > 1 ? rcptTo.indexOf(result.recipient) : undefined;
  // Delivered carries no category; deferred carries one (stats, later backoff) but is never hard.
  const verdict =
    result.outcome === 'delivered'
      ? undefined
      : classifyReply({ ...result.reply, expired: decided.expired === true });
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
    bounceCategory: verdict?.category ?? events.BounceCategory.BOUNCE_CATEGORY_UNSPECIFIED,
    hardBounce: result.outcome === 'bounced' && verdict?.hard === true,
    nextAttemptAt: decided.nextAttemptAt,
    tls: session.tls ?? false,
    dkimDomain: session.dkimDomain ?? '',
  });
}

/** The Kafka record: keyed by message id so all events of a message stay in order on one partition. */
export function deliveryEventRecord(event: events.DeliveryEvent): OutgoingRecord {
  return { key: event.messageId, value: encodePayload(events.DeliveryEvent, event) };
}
