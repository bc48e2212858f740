// Builds the list feature's services on the in-memory store with a publisher
// that records what it would produce, for unit tests of the feedback,
// suppression and unsubscribe paths.
import { events } from '@postline/contracts';
import { encodePayload, type ConsumedRecord } from '@postline/platform/kafka';
import {
  createMetricsRegistry,
  type Counter,
  type MetricsRegistry,
} from '@postline/platform/metrics';
import { ConfirmationService } from '../confirm/confirmation.service';
import { FeedbackBatchHandler } from '../feedback/feedback-batch.handler';
import type {
  ConfirmationRequestedFact,
  ConfirmedFact,
  ListEventsPublisher,
  SubscribedFact,
  UnsubscribedFact,
} from '../list-events.publisher';
import { ListMetrics } from '../list.metrics';
import { ListsService } from '../lists.service';
import { SubscribeService } from '../subscribe.service';
import { SuppressionsService } from '../suppression/suppressions.service';
import { OneClickService } from '../unsubscribe/one-click.service';
import { UnsubscribeService } from '../unsubscribe/unsubscribe.service';
import { FakeListStore, silentLogger } from './fake-list-store';

export class RecordingPublisher {
  readonly subscribedFacts: SubscribedFact[] = [];
  readonly unsubscribedFacts: UnsubscribedFact[] = [];
  readonly confirmationRequestedFacts: ConfirmationRequestedFact[] = [];
  readonly confirmedFacts: ConfirmedFact[] = [];
  failing = false;
  async subscribed(facts: SubscribedFact[]): Promise<void> {
    if (this.failing) throw new Error('broker unreachable');
    this.subscribedFacts.push(...facts);
  }
  async confirmationRequested(facts: ConfirmationRequestedFact[]): Promise<void> {
    if (this.failing) throw new Error('broker unreachable');
    this.confirmationRequestedFacts.push(...facts);
  }
  async confirmed(facts: ConfirmedFact[]): Promise<void> {
    if (this.failing) throw new Error('broker unreachable');
    this.confirmedFacts.push(...facts);
  }
  async unsubscribed(facts: UnsubscribedFact[]): Promise<void> {
    if (this.failing && facts.length > 0) throw new Error('broker unreachable');
    this.unsubscribedFacts.push(...facts);
  }
}

export const SIGNING_SECRET = 'unit-test-secret';

/** What SubscribeService needs to issue confirmation links in unit tests. */
export const CONFIRM_SETTINGS = {
  signingSecret: SIGNING_SECRET,
  publicBaseUrl: 'https://t.example.com/',
  confirmationTtlHours: 48,
};

let registryCount = 0;

export function featureFixture(softBounceLimit = 3) {
  const db = new FakeListStore();
  const store = db.store();
  const publisher = new RecordingPublisher();
  const registry: MetricsRegistry = createMetricsRegistry(`list_unit_${registryCount++}`);
  const metrics = new ListMetrics(registry);
  const unsubscribe = new UnsubscribeService(
    store,
    publisher as unknown as ListEventsPublisher,
    metrics,
    silentLogger,
  );
  return {
    db,
    store,
    publisher,
    metrics,
    registry,
    unsubscribe,
    subscribe: new SubscribeService(
      store,
      new ListsService(store),
      publisher as unknown as ListEventsPublisher,
      metrics,
      silentLogger,
      CONFIRM_SETTINGS,
    ),
    confirmations: new ConfirmationService(
      store,
      publisher as unknown as ListEventsPublisher,
      metrics,
      { signingSecret: SIGNING_SECRET },
      silentLogger,
    ),
    feedback: new FeedbackBatchHandler(
      store,
      unsubscribe,
      metrics,
      { softBounceLimit },
      silentLogger,
    ),
    suppressions: new SuppressionsService(store, metrics, silentLogger),
    oneClick: new OneClickService(unsubscribe, { signingSecret: SIGNING_SECRET }, silentLogger),
  };
}

let offset = 0;

/** A mail.events record as the consumer receives it. */
export function deliveryRecord(event: Partial<events.DeliveryEvent>): ConsumedRecord {
  const value = encodePayload(events.DeliveryEvent, events.DeliveryEvent.fromPartial(event));
  return rawRecord(value);
}

export function rawRecord(value: Buffer | null): ConsumedRecord {
  return {
    topic: 'mail.events.v1',
    partition: 0,
    message: {
      key: null,
      value,
      offset: String(offset++),
      timestamp: String(Date.parse('2025-03-01T00:00:00Z')),
      attributes: 0,
      headers: {},
    },
  };
}

export const noHeartbeat = { heartbeat: async () => undefined };

/** The value of one series of a counter, 0 when it was never incremented. */
export async function count(
  counter: Counter<string>,
  labels: Record<string, string> = {},
): Promise<number> {
  const { values } = await counter.get();
  const series = values.find((v) =>
    Object.entries(labels).every(([k, value]) => v.labels[k] === value),
  );
  return series?.value ?? 0;
}
