// Decodes a mail.events record into the fields the feedback rules read. A
// record that is not a DeliveryEvent is a permanent fault (dead letter).
import { events } from '@postline/contracts';
import type { FeedbackEvent, FeedbackType } from '@postline/list/domain';
import { decodePayload, type ConsumedRecord } from '@postline/platform/kafka';

const TYPES: Record<number, FeedbackType> = {
  [events.DeliveryEventType.DELIVERY_EVENT_TYPE_UNSPECIFIED]: 'unspecified',
  [events.DeliveryEventType.DELIVERY_EVENT_TYPE_QUEUED]: 'queued',
  [events.DeliveryEventType.DELIVERY_EVENT_TYPE_DELIVERED]: 'delivered',
  [events.DeliveryEventType.DELIVERY_EVENT_TYPE_DEFERRED]: 'deferred',
  [events.DeliveryEventType.DELIVERY_EVENT_TYPE_BOUNCED]: 'bounced',
  [events.DeliveryEventType.DELIVERY_EVENT_TYPE_COMPLAINED]: 'complained',
  [events.DeliveryEventType.DELIVERY_EVENT_TYPE_OPENED]: 'opened',
  [events.DeliveryEventType.DELIVERY_EVENT_TYPE_CLICKED]: 'clicked',
  [events.DeliveryEventType.DELIVERY_EVENT_TYPE_UNSUBSCRIBED]: 'unsubscribed',
};

/** The event, with its time falling back to the record's timestamp when the producer set none. */
export function feedbackEventOf({ topic, message }: ConsumedRecord): FeedbackEvent {
  const e = decodePayload(events.DeliveryEvent, topic, message.value);
  const recordTime = Number(message.timestamp);
  return {
    eventId: e.eventId,
    tenantId: e.tenantId,
    subscriberId: e.subscriberId,
    recipient: e.recipient,
    type: TYPES[e.type] ?? 'unrecognized',
    hardBounce: e.hardBounce,
    occurredAt: e.occurredAt ?? (Number.isFinite(recordTime) ? new Date(recordTime) : new Date()),
  };
}
