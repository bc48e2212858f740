// Produces SubscriberEvent records to list.events (key: subscriber id) for
// automations and, for double opt-in, for the side that mails confirmation
// links. A subscription is acknowledged (HTTP 2xx) only after its event
// is durable; callers undo the subscription when producing fails. An
// unsubscribe is announced before the membership changes, with an event id
// derived from its cause, so a retry re-announces it under the same id.
import { Inject, Injectable } from '@nestjs/common';
import { events } from '@postline/contracts';
import { encodePayload, KafkaRuntime } from '@postline/platform/kafka';
import { LIST_FEATURE_OPTIONS, type ListFeatureOptions } from './list-feature.options';

export interface SubscribedFact {
  tenantId: string;
  listId: string;
  subscriberId: string;
  /** The membership created; makes the event id unique per subscription. */
  membershipId: string;
  occurredAt: Date;
}

/** What the publisher needs from Kafka; KafkaRuntime's DurableProducer in the service. */
export interface RecordSink {
  send(topic: string, records: Array<{ key: string; value: Buffer }>): Promise<void>;
}

/** A double opt-in sign-up awaiting confirmation, with the link to mail to the person. */
export interface ConfirmationRequestedFact extends SubscribedFact {
  /** The confirmation request; a new link for the same membership gets a new event id. */
  nonce: string;
  confirmationUrl: string;
  expiresAt: Date;
}

/** A double opt-in member confirmed (unconfirmed → subscribed). */
export type ConfirmedFact = SubscribedFact;

export interface UnsubscribedFact {
  tenantId: string;
  listId: string;
  subscriberId: string;
  membershipId: string;
  /** What caused it (delivery event id, message id of the one-click token, erasure): keeps the event id unique per cause. */
  cause: string;
  occurredAt: Date;
}

export const SUBSCRIBER_EVENT_SINK = Symbol('postline.list.subscriber-event-sink');

export function subscribedEvent(fact: SubscribedFact): events.SubscriberEvent {
  return events.SubscriberEvent.fromPartial({
    // Deterministic, so a consumer can drop a duplicate delivered after a retry.
    eventId: `${fact.membershipId}:subscribed`,
    tenantId: fact.tenantId,
    subscriberId: fact.subscriberId,
    listId: fact.listId,
    type: events.SubscriberEventType.SUBSCRIBER_EVENT_TYPE_SUBSCRIBED,
    occurredAt: fact.occurredAt,
  });
}

export function confirmationRequestedEvent(
  fact: ConfirmationRequestedFact,
): events.SubscriberEvent {
  return events.SubscriberEvent.fromPartial({
    eventId: `${fact.membershipId}:confirmation_requested:${fact.nonce}`,
    tenantId: fact.tenantId,
    subscriberId: fact.subscriberId,
    listId: fact.listId,
    type: events.SubscriberEventType.SUBSCRIBER_EVENT_TYPE_CONFIRMATION_REQUESTED,
    occurredAt: fact.occurredAt,
    confirmationUrl: fact.confirmationUrl,
    confirmationExpiresAt: fact.expiresAt,
  });
}

export function confirmedEvent(fact: ConfirmedFact): events.SubscriberEvent {
  return events.SubscriberEvent.fromPartial({
    // One confirmation per membership: a retried confirmation re-announces under the same id.
    eventId: `${fact.membershipId}:confirmed`,
    tenantId: fact.tenantId,
    subscriberId: fact.subscriberId,
    listId: fact.listId,
    type: events.SubscriberEventType.SUBSCRIBER_EVENT_TYPE_CONFIRMED,
    occurredAt: fact.occurredAt,
  });
}

export function unsubscribedEvent(fact: UnsubscribedFact): events.SubscriberEvent {
  return events.SubscriberEvent.fromPartial({
    eventId: `${fact.membershipId}:unsubscribed:${fact.cause}`,
    tenantId: fact.tenantId,
    subscriberId: fact.subscriberId,
    listId: fact.listId,
    type: events.SubscriberEventType.SUBSCRIBER_EVENT_TYPE_UNSUBSCRIBED,
    occurredAt: fact.occurredAt,
  });
}

@Injectable()
export class ListEventsPublisher {
  constructor(
    @Inject(SUBSCRIBER_EVENT_SINK) private readonly sink: RecordSink,
    @Inject(LIST_FEATURE_OPTIONS) private readonly options: ListFeatureOptions,
  ) {}

  /** Produces all facts in one batch; resolves once Kafka has them durably. */
  subscribed(facts: SubscribedFact[]): Promise<void> {
    return this.send(facts.map(subscribedEvent));
  }

  /** Produces all facts in one batch; resolves once Kafka has them durably. */
  confirmationRequested(facts: ConfirmationRequestedFact[]): Promise<void> {
    return this.send(facts.map(confirmationRequestedEvent));
  }

  /** Produces all facts in one batch; resolves once Kafka has them durably. */
  confirmed(facts: ConfirmedFact[]): Promise<void> {
    return this.send(facts.map(confirmedEvent));
  }

  /** Produces all facts in one batch; resolves once Kafka has them durably. */
  unsubscribed(facts: UnsubscribedFact[]): Promise<void> {
    return this.send(facts.map(unsubscribedEvent));
  }

  private async send(list: events.SubscriberEvent[]): Promise<void> {
    if (list.length === 0) return;
    const records = list.map((e) => ({
      key: e.subscriberId,
      value: encodePayload(events.SubscriberEvent, e),
    }));
    await this.sink.send(this.options.eventsTopic, records);
  }
}

/** The sink in a running service: the process's durable producer. */
export const kafkaEventSinkProvider = {
  provide: SUBSCRIBER_EVENT_SINK,
  inject: [KafkaRuntime],
  useFactory: (kafka: KafkaRuntime): RecordSink => kafka.producer,
};
