// Render's Prometheus metrics for the mail.render pipeline. Failure reasons are
// the error catalogue's codes, so the label set is bounded and known up front.
import type { Counter, Histogram, MetricsRegistry } from '@postline/platform/metrics';
import { RenderErrorCodes, type RenderErrorCode } from '@postline/render/domain';

export type RenderFailureReason = RenderErrorCode | 'PAYLOAD_UNDECODABLE';
export const RenderFailureReasons: readonly RenderFailureReason[] = [
  ...RenderErrorCodes,
  'PAYLOAD_UNDECODABLE',
];

export class RenderMetrics {
  private readonly messages: Counter<'result'>;
  private readonly failures: Counter<'reason'>;
  private readonly duration: Histogram<string>;

  constructor(metrics: MetricsRegistry) {
    this.messages = metrics.counter(
      'messages_total',
      'Render requests from mail.render.v1 handled, by result (rendered, failed)',
      ['result'],
    );
    this.failures = metrics.counter(
      'failures_total',
      'Render requests dead-lettered, by reason (render error code)',
      ['reason'],
    );
    this.duration = metrics.histogram(
      'duration_seconds',
      'Time to render one message: template lookup, merge and MIME build',
      [],
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    );
    // Zero series from the start, so rates and alerts work before the first failure.
    this.messages.inc({ result: 'rendered' }, 0);
    this.messages.inc({ result: 'failed' }, 0);
    for (const reason of RenderFailureReasons) this.failures.inc({ reason }, 0);
  }

  rendered(seconds: number): void {
    this.messages.inc({ result: 'rendered' });
    this.duration.observe(seconds);
  }

  failed(reason: RenderFailureReason, seconds: number): void {
    this.messages.inc({ result: 'failed' });
    this.failures.inc({ reason });
    this.duration.observe(seconds);
  }
}
