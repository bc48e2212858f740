// Refreshes the MTA's queue gauges once a second: messages waiting and the age
// of the oldest, per domain class (policy name or "other"), so dashboards see
// a backlog building for one provider without a label per domain.
import type { DeliveryEngine } from './delivery-engine';
import type { MtaMetrics } from './mta.metrics';

export class QueueGauges {
  private timer: NodeJS.Timeout | undefined;
  private known = new Set<string>();

  constructor(
    private readonly engine: DeliveryEngine,
    private readonly metrics: MtaMetrics,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.refresh(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  refresh(now = Date.now()): void {
    const { scheduler, destinations } = this.engine;
    const ready = new Map<string, number>();
    const oldest = new Map<string, number>();
    for (const key of scheduler.queues.keys()) {
      const d = destinations.find(key);
      const cls = d ? destinations.domainClass(d) : 'other';
      ready.set(cls, (ready.get(cls) ?? 0) + scheduler.queues.sizeOf(key));
      const at = scheduler.queues.oldestOf(key);
      if (at !== undefined) oldest.set(cls, Math.max(oldest.get(cls) ?? 0, (now - at) / 1000));
    }
    // Classes that emptied go back to zero rather than keep their last value.
    for (const cls of new Set([...this.known, ...ready.keys()])) {
      this.metrics.readyMessages.set({ domain_class: cls }, ready.get(cls) ?? 0);
      this.metrics.oldestAgeSeconds.set({ domain_class: cls }, oldest.get(cls) ?? 0);
    }
    this.known = new Set([...this.known, ...ready.keys()]);
    destinations.sweep((key) => scheduler.queues.has(key) || scheduler.inflightOf(key) > 0);
  }
}
