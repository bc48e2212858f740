// The MTA's metrics. Labels come from enums and from the policy file only:
// `domain_class` is the name of the domain policy that governs a destination
// (bounded by the policy file) or "other", never a raw domain or address.
import type { Counter, Gauge, Histogram, MetricsRegistry } from '@postline/platform/metrics';
import type { DeliveryOutcome } from '@postline/mta/dispatch';

export interface MtaMetrics {
  /** One count per recipient per attempt; category is the bounce/deferral class ("" when delivered). */
  messages: Counter<'result' | 'domain_class' | 'category'>;
  /** Delivery attempts (SMTP transactions or routing verdicts), by domain class. */
  attempts: Counter<'domain_class'>;
  /** One observation per attempt (the SMTP transaction), labelled by its best outcome. */
  deliverySeconds: Histogram<'result'>;
  /** From the first attempt to the final outcome of a recipient. */
  endToEndSeconds: Histogram<'result'>;
  inflight: Gauge<string>;
  readyMessages: Gauge<'domain_class'>;
  oldestAgeSeconds: Gauge<'domain_class'>;
  smtpConnections: Gauge<'domain_class'>;
  throttleWaits: Counter<'domain_class'>;
  retriesScheduled: Counter<'tier'>;
  retriesForwarded: Counter<'tier'>;
  dkim: Counter<'outcome'>;
  /** Messages of slow destinations parked in a retry topic instead of the ready queue. */
  spilled: Counter<'domain_class'>;
  pausedPartitions: Gauge<string>;
}

export const OTHER_DOMAIN_CLASS = 'other';

export function createMtaMetrics(registry: MetricsRegistry): MtaMetrics {
  const metrics: MtaMetrics = {
    messages: registry.counter(
      'messages_total',
      'Recipient delivery attempts by result, domain class and bounce category',
      ['result', 'domain_class', 'category'],
    ),
    attempts: registry.counter('attempts_total', 'Delivery attempts by domain class', [
      'domain_class',
    ]),
    deliverySeconds: registry.histogram(
      'delivery_seconds',
      'Duration of one delivery attempt',
      ['result'],
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    ),
    endToEndSeconds: registry.histogram(
      'final_outcome_seconds',
      'Time from a message first attempt to its final outcome (delivered or bounced)',
      ['result'],
      [1, 10, 60, 600, 3600, 6 * 3600, 24 * 3600, 3 * 24 * 3600],
    ),
    inflight: registry.gauge('inflight_deliveries', 'Delivery attempts in progress'),
    readyMessages: registry.gauge(
      'queue_ready_messages',
      'Messages waiting in the ready queues of this pod, by domain class',
      ['domain_class'],
    ),
    oldestAgeSeconds: registry.gauge(
      'queue_oldest_age_seconds',
      'Age of the oldest message waiting in the ready queues of this pod, by domain class',
      ['domain_class'],
    ),
    smtpConnections: registry.gauge(
      'smtp_connections',
      'SMTP sessions carrying a message right now, by domain class',
      ['domain_class'],
    ),
    throttleWaits: registry.counter(
      'throttle_waits_total',
      'Times a destination had mail ready but its rate budget said wait, by domain class',
      ['domain_class'],
    ),
    retriesScheduled: registry.counter(
      'retries_scheduled_total',
      'Messages put in a retry topic, by tier',
      ['tier'],
    ),
    retriesForwarded: registry.counter(
      'retries_forwarded_total',
      'Messages moved from a retry topic back to mail.outbound when due, by tier',
      ['tier'],
    ),
    spilled: registry.counter(
      'spilled_total',
      'Messages of rate-limited or suspended destinations parked in a retry topic because their ready queue was full, by domain class',
      ['domain_class'],
    ),
    dkim: registry.counter('dkim_signatures_total', 'Messages by DKIM signing outcome', [
      'outcome',
    ]),
    pausedPartitions: registry.gauge(
      'paused_partitions',
      'mail.outbound partitions paused because their buffered mail passed the bound',
    ),
  };
  // Publish zeroes so dashboards and alerts see every result from the start.
  for (const result of ['delivered', 'deferred', 'bounced'] satisfies DeliveryOutcome[])
    metrics.messages.inc({ result, domain_class: OTHER_DOMAIN_CLASS, category: '' }, 0);
  metrics.readyMessages.set({ domain_class: OTHER_DOMAIN_CLASS }, 0);
  metrics.oldestAgeSeconds.set({ domain_class: OTHER_DOMAIN_CLASS }, 0);
  metrics.smtpConnections.set({ domain_class: OTHER_DOMAIN_CLASS }, 0);
  metrics.throttleWaits.inc({ domain_class: OTHER_DOMAIN_CLASS }, 0);
  metrics.spilled.inc({ domain_class: OTHER_DOMAIN_CLASS }, 0);
  return metrics;
}
