// Produces SubscriberEvent records to list.events (key: subscriber id) for
// automations. A subscription is acknowledged (HTTP 2xx) only after its event
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
  async subscribed(facts: SubscribedFact[]): Promise<void> {
    if (facts.length === 0) return;
    const records = facts.map((f) => ({
      key: f.subscriberId,
      value: encodePayload(events.SubscriberEvent, subscribedEvent(f)),
    }));
    await this.sink.send(this.options.eventsTopic, records);
  }

  /** Produces all facts in one batch; resolves once Kafka has them durably. */
  async unsubscribed(facts: UnsubscribedFact[]): Promise<void> {
    if (facts.length === 0) return;
    const records = facts.map((f) => ({
      key: f.subscriberId,
      value: encodePayload(events.SubscriberEvent, unsubscribedEvent(f)),
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
