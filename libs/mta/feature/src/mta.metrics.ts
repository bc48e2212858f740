// The MTA's delivery metrics. Labels come from enums only (delivery outcome),
// never from domains or addresses, so series stay bounded.
import type { Counter, Gauge, Histogram, MetricsRegistry } from '@postline/platform/metrics';
import type { DeliveryOutcome } from '@postline/mta/dispatch';

export interface MtaMetrics {
  /** One count per recipient per attempt. */
  messages: Counter<'result'>;
  /** One observation per attempt (next-hop resolution and the SMTP transaction), labelled by its best outcome. */
  deliverySeconds: Histogram<'result'>;
  inflight: Gauge<string>;
}

export function createMtaMetrics(registry: MetricsRegistry): MtaMetrics {
  const metrics: MtaMetrics = {
    messages: registry.counter('messages_total', 'Recipient delivery attempts by result', [
      'result',
    ]),
    deliverySeconds: registry.histogram(
      'delivery_seconds',
      'Duration of one delivery attempt',
      ['result'],
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    ),
    inflight: registry.gauge('inflight_deliveries', 'Delivery attempts in progress'),
  };
  // Publish zeroes so dashboards and alerts see every result from the start.
  for (const result of ['delivered', 'deferred', 'bounced'] satisfies DeliveryOutcome[])
    metrics.messages.inc({ result }, 0);
  return metrics;
}
