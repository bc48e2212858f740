// Submission's Prometheus metrics. Names are fixed by the Helm chart's dashboards
// and alerts; label values come from enums (listener, auth result, reply reason).
import type { Counter, Gauge, Histogram, MetricsRegistry } from '@postline/platform/metrics';
import { SmtpReplyReasons, type SmtpReplyReason } from '@postline/submission/domain';

export type ListenerKind = 'submission' | 'submissions';
export type AuthResult = 'succeeded' | 'failed' | 'refused';
export type MessageResult = 'accepted' | 'rejected' | 'tempfailed';

export class SubmissionMetrics {
  private readonly sessions: Counter<'listener'>;
  private readonly active: Gauge<string>;
  private readonly auth: Counter<'result'>;
  private readonly messages: Counter<'result' | 'reason'>;
  private readonly bytes: Counter<string>;
  private readonly accept: Histogram<string>;

  constructor(metrics: MetricsRegistry) {
    this.sessions = metrics.counter('sessions_total', 'SMTP sessions opened, by listener', [
      'listener',
    ]);
    this.active = metrics.gauge('sessions_active', 'SMTP sessions currently open');
    this.auth = metrics.counter('auth_attempts_total', 'AUTH attempts, by result', ['result']);
    this.messages = metrics.counter(
      'messages_total',
      'Messages at end of DATA, by result and reply reason',
      ['result', 'reason'],
    );
    this.bytes = metrics.counter('message_bytes_total', 'Bytes of accepted messages as received');
    this.accept = metrics.histogram(
      'accept_seconds',
      'Final dot to reply: fix-ups, Kafka produce with acks=all',
      [],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    );
    for (const listener of ['submission', 'submissions']) this.sessions.inc({ listener }, 0);
    for (const result of ['succeeded', 'failed', 'refused']) this.auth.inc({ result }, 0);
    this.messages.inc({ result: 'accepted', reason: 'QUEUED' }, 0);
  }

  sessionOpened(listener: ListenerKind): void {
    this.sessions.inc({ listener });
    this.active.inc();
  }

  sessionClosed(): void {
    this.active.dec();
  }

  authAttempt(result: AuthResult): void {
    this.auth.inc({ result });
  }

  accepted(bytes: number, seconds: number): void {
    this.messages.inc({ result: 'accepted', reason: 'QUEUED' });
    this.bytes.inc(bytes);
    this.accept.observe(seconds);
  }

  refused(reason: SmtpReplyReason, seconds?: number): void {
    if (!SmtpReplyReasons.includes(reason)) return;
    const result: MessageResult = reason === 'QUEUE_UNAVAILABLE' ? 'tempfailed' : 'rejected';
    this.messages.inc({ result, reason });
    if (seconds !== undefined) this.accept.observe(seconds);
  }
}
