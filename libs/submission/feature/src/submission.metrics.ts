// Submission's Prometheus metrics. Names are fixed by the Helm chart's dashboards
// and alerts; label values come from enums (listener, auth result, lock scope,
// reply reason from the catalogue).
import {
  Gauge,
  type Counter,
  type Histogram,
  type MetricsRegistry,
} from '@postline/platform/metrics';
import {
  SmtpReplyReasons,
  type LockScope,
  type SmtpReplyReason,
} from '@postline/submission/domain';
import { TLS_RELOAD_RESULTS, type TlsReloadResult } from './certificate-reloader';

/** 587 role, 465 role, and the plain no-AUTH port for trusted networks. */
export type ListenerKind = 'submission' | 'submissions' | 'trusted';
export const LISTENER_KINDS: ListenerKind[] = ['submission', 'submissions', 'trusted'];
/** As the chart's PostlineSubmissionAuthFailureSpike alert reads them. */
export type AuthResult = 'success' | 'failure' | 'refused' | 'locked';
export type MessageResult = 'accepted' | 'rejected' | 'tempfailed';
/** A catalogue reason, or OTHER for a 421 worded by the library that we do not rewrite. */
export type CloseReason = SmtpReplyReason | 'OTHER';

const LOCK_SCOPES: LockScope[] = ['client', 'username'];

export class SubmissionMetrics {
  private readonly sessions: Counter<'listener'>;
  private readonly active: Gauge<string>;
  private readonly refusedSessions: Counter<'reason'>;
  private readonly terminated: Counter<'reason'>;
  private readonly auth: Counter<'result'>;
  private readonly lockouts: Counter<'scope'>;
  private readonly messages: Counter<'result' | 'reason'>;
  private readonly bytes: Counter<string>;
  private readonly accept: Histogram<string>;
  private readonly late: Counter<'outcome'>;
  private readonly tlsReloads: Counter<'result'>;

  constructor(
    private readonly metrics: MetricsRegistry,
    activeLockouts?: () => Record<LockScope, number>,
  ) {
    this.sessions = metrics.counter('sessions_total', 'SMTP sessions opened, by listener', [
      'listener',
    ]);
    this.active = metrics.gauge('sessions_active', 'SMTP sessions currently open');
    this.refusedSessions = metrics.counter(
      'sessions_refused_total',
      'Connections refused with 421 instead of a greeting, by reason',
      ['reason'],
    );
    this.terminated = metrics.counter(
      'sessions_terminated_total',
      'Sessions the server ended with 421 after the greeting, by reason',
      ['reason'],
    );
    this.tlsReloads = metrics.counter(
      'tls_reloads_total',
      'Certificate reloads after a change of the certificate files, by result',
      ['result'],
    );
    for (const result of TLS_RELOAD_RESULTS) this.tlsReloads.inc({ result }, 0);
    this.auth = metrics.counter('auth_attempts_total', 'AUTH attempts, by result', ['result']);
    this.lockouts = metrics.counter(
      'auth_lockouts_total',
      'AUTH lockouts started, by scope (client address or username)',
      ['scope'],
    );
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
    this.late = metrics.counter(
      'late_produce_total',
      'Produces that outlived the 451 answer, by outcome (produced: the client retry duplicates it)',
      ['outcome'],
    );
    if (activeLockouts) this.lockoutGauge(activeLockouts);
    for (const outcome of ['produced', 'failed']) this.late.inc({ outcome }, 0);
    for (const listener of LISTENER_KINDS) this.sessions.inc({ listener }, 0);
    for (const result of ['success', 'failure', 'refused', 'locked']) this.auth.inc({ result }, 0);
    for (const scope of LOCK_SCOPES) this.lockouts.inc({ scope }, 0);
    this.messages.inc({ result: 'accepted', reason: 'QUEUED' }, 0);
  }

  sessionOpened(listener: ListenerKind): void {
    this.sessions.inc({ listener });
    this.active.inc();
  }

  sessionClosed(): void {
    this.active.dec();
  }

  sessionRefused(reason: CloseReason): void {
    this.refusedSessions.inc({ reason: boundedReason(reason) });
  }

  sessionTerminated(reason: CloseReason): void {
    this.terminated.inc({ reason: boundedReason(reason) });
  }

  tlsReload(result: TlsReloadResult): void {
    this.tlsReloads.inc({ result });
  }

  authAttempt(result: AuthResult): void {
    this.auth.inc({ result });
  }

  authLockout(scope: LockScope): void {
    this.lockouts.inc({ scope });
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

  lateOutcome(produced: boolean): void {
    this.late.inc({ outcome: produced ? 'produced' : 'failed' });
  }

  /** Read at scrape time, so lockouts that ran out disappear without an event. */
  private lockoutGauge(read: () => Record<LockScope, number>): void {
    new Gauge({
      name: `${this.metrics.prefix}auth_lockouts_active`,
      help: 'AUTH lockouts in force, by scope',
      labelNames: ['scope'],
      registers: [this.metrics.registry],
      collect() {
        const now = read();
        for (const scope of LOCK_SCOPES) this.set({ scope }, now[scope]);
      },
    });
  }
}

function boundedReason(reason: CloseReason): CloseReason {
  return reason === 'OTHER' || SmtpReplyReasons.includes(reason) ? reason : 'OTHER';
}
