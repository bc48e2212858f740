// The list service's own metrics (postline_list_*), registered once per process.
// Label values come from fixed sets: write results, stream outcomes, suppression
// reasons, delivery event types and unsubscribe sources.
import type { FeedbackType, SuppressionReason } from '@postline/list/domain';
import type { Counter, Gauge, Histogram, MetricsRegistry } from '@postline/platform/metrics';

export type WriteResult = 'created' | 'updated' | 'failed';
/** What became of a CSV import row. */
export type ImportRowResult = 'created' | 'updated' | 'unchanged' | 'failed';
/** How a CSV import ended. */
export type ImportOutcome = 'completed' | 'failed' | 'interrupted';
export type StreamOutcome = 'completed' | 'cancelled' | 'failed';
/** Where an unsubscribe came from. */
export type UnsubscribeSource = 'one_click' | 'delivery_event' | 'erasure';
/** A double opt-in link issued (a sign-up or a repeated one) or followed. */
export type OptinStep = 'requested' | 'confirmed';
/** What became of a delivery event: applied (or a no-op replay), ignored, or dead-lettered. */
export type FeedbackResult = 'applied' | 'ignored' | 'dead_lettered';

export class ListMetrics {
  readonly subscribersWritten: Counter<'result'>;
  readonly recipientsStreamed: Counter<string>;
  readonly recipientStreams: Counter<'outcome'>;
  readonly streamsWaiting: Gauge<string>;
  readonly subscriberEvents: Counter<'result'>;
  readonly bulkSeconds: Histogram<string>;
  readonly suppressionsAdded: Counter<'reason'>;
  readonly feedbackEvents: Counter<'type' | 'result'>;
  readonly unsubscribes: Counter<'source'>;
  readonly importRows: Counter<'result'>;
  readonly imports: Counter<'outcome'>;
  readonly doubleOptin: Counter<'step'>;

  constructor(metrics: MetricsRegistry) {
    this.subscribersWritten = metrics.counter(
      'subscribers_written_total',
      'Subscriber rows written to a list, by result (created, updated, failed)',
      ['result'],
    );
    this.recipientsStreamed = metrics.counter(
      'recipients_streamed_total',
      'Recipients written to StreamRecipients calls',
    );
    this.recipientStreams = metrics.counter(
      'recipient_streams_total',
      'StreamRecipients calls by outcome',
      ['outcome'],
    );
    this.streamsWaiting = metrics.gauge(
      'recipient_streams_waiting',
      'StreamRecipients calls waiting for their reader to catch up (HTTP/2 flow control)',
    );
    this.subscriberEvents = metrics.counter(
      'subscriber_events_total',
      'SubscriberEvent records produced to list.events, by result (produced, failed)',
      ['result'],
    );
    this.bulkSeconds = metrics.histogram(
      'bulk_subscribe_seconds',
      'Duration of bulk subscribe requests',
      [],
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    );
    this.suppressionsAdded = metrics.counter(
      'suppressions_added_total',
      "Entries added to tenants' suppression lists, by reason (a target suppressed already is not counted)",
      ['reason'],
    );
    this.feedbackEvents = metrics.counter(
      'delivery_events_processed_total',
      'mail.events records the engagement consumer handled, by event type and result (applied, ignored, dead_lettered)',
      ['type', 'result'],
    );
    this.unsubscribes = metrics.counter(
      'unsubscribes_total',
      'List memberships ended by an unsubscribe, by source (one_click, delivery_event, erasure)',
      ['source'],
    );
    this.importRows = metrics.counter(
      'import_rows_total',
      'CSV import rows processed, by result (created, updated, unchanged, failed)',
      ['result'],
    );
    this.imports = metrics.counter(
      'imports_total',
      'CSV imports ended, by outcome (completed, failed, interrupted: the upload stopped early)',
      ['outcome'],
    );
    this.doubleOptin = metrics.counter(
      'double_optin_total',
      'Double opt-in steps, by step (requested: a confirmation link issued; confirmed: a link followed)',
      ['step'],
    );
  }

  suppressed(reason: SuppressionReason, n = 1): void {
    if (n > 0) this.suppressionsAdded.inc({ reason }, n);
  }

  feedback(type: FeedbackType, result: FeedbackResult): void {
    this.feedbackEvents.inc({ type, result });
  }

  written(result: WriteResult, n = 1): void {
    if (n > 0) this.subscribersWritten.inc({ result }, n);
  }
}
