// All SMTP sessions of the process, across all listeners: admission at
// connect (the guard dispatcher's CONNECT verdict: draining, locked client,
// session bounds, trusted networks on the trusted port), the per-session
// supervision, and the drain on shutdown —
// new sessions get 421 4.3.2, idle ones are closed with it, a DATA in hand may
// finish (250 or 451) within the grace period, and whatever is left after it
// is cut, so the process can exit in time.
import type { Logger } from 'pino';
import type { SMTPServerSession } from 'smtp-server';
import {
  SupervisedConnection,
  type LibraryConnection,
  type SupervisionSettings,
} from './supervised-connection';
import type { SubmissionGuards } from './submission-guards';
import type { ListenerKind, SubmissionMetrics } from './submission.metrics';

export interface SupervisorDeps {
  guards: SubmissionGuards;
  settings: SupervisionSettings;
  metrics: SubmissionMetrics;
  logger: Logger;
}

export class SessionSupervisor {
  /** Every connection the listeners created and that has not closed yet. */
  private readonly connections = new Map<string, SupervisedConnection>();
  /** Sessions that passed the connect guards (they count against the limits). */
  private readonly admitted = new Map<string, SupervisedConnection>();
  /** Admitted sessions from trusted networks: counted overall, not per client. */
  private readonly exempt = new Set<string>();
  private readonly emptyWaiters = new Set<() => void>();

  constructor(private readonly deps: SupervisorDeps) {}

  /** Called by a listener for each connection smtp-server creates, before its greeting. */
  adopt(conn: LibraryConnection): void {
    const { guards, settings, metrics } = this.deps;
    const supervised = new SupervisedConnection(conn, guards, settings, {
      closedByServer: (reason, beforeGreeting) =>
        beforeGreeting ? metrics.sessionRefused(reason) : metrics.sessionTerminated(reason),
    });
    this.connections.set(conn.id, supervised);
  }

  onConnect(
    session: SMTPServerSession,
    listener: ListenerKind,
    done: (err?: Error | null) => void,
  ): void {
    const supervised = this.connections.get(session.id);
    if (!supervised) return done();
    const { guards, metrics } = this.deps;
    const address = session.remoteAddress;
    const refusal = guards.check({
      phase: 'CONNECT',
      client: supervised.client,
      address,
      listener,
    });
    if (refusal) {
      this.deps.logger.info(
        { event: 'smtp_session_refused', session: session.id, listener, reason: refusal.reason },
        'SMTP session refused at connect',
      );
      // A 421 is counted as it is sent (supervised-connection); other refusals here.
      if (refusal.responseCode !== 421) metrics.sessionRefused(refusal.reason);
      return done(refusal);
    }
    const perClient = !guards.trustedPeer(listener, address);
    if (!perClient) this.exempt.add(session.id);
    guards.gate.open(supervised.client, perClient);
    this.admitted.set(session.id, supervised);
    supervised.admitted();
    metrics.sessionOpened(listener);
    done();
  }

  onClose(session: SMTPServerSession): void {
    const supervised = this.connections.get(session.id);
    this.connections.delete(session.id);
    supervised?.dispose();
    if (supervised && this.admitted.delete(session.id)) {
      this.deps.guards.gate.close(supervised.client, !this.exempt.delete(session.id));
      this.deps.metrics.sessionClosed();
      if (this.admitted.size === 0) for (const wake of this.emptyWaiters) wake();
    }
  }

  get activeSessions(): number {
    return this.admitted.size;
  }

  /**
   * Shutdown: refuse new sessions, let transactions in hand finish for
   * `gracefulMs`, then cut what is left except replies already being made
   * (bounded by `acceptBoundMs`, the Kafka acknowledgement bound), then drop
   * any socket still open.
   */
  async drain(gracefulMs: number, acceptBoundMs: number): Promise<void> {
    const { guards, logger } = this.deps;
    guards.gate.startDraining();
    logger.info({ event: 'smtp_drain_started', sessions: this.admitted.size }, 'SMTP draining');
    for (const s of this.admitted.values()) s.terminate('SHUTTING_DOWN', 'graceful');
    await this.untilEmpty(gracefulMs);
    const cut = this.admitted.size;
    for (const s of this.admitted.values()) s.terminate('SHUTTING_DOWN', 'hard');
    await this.untilEmpty(acceptBoundMs);
    const dropped = this.connections.size;
    for (const s of this.connections.values()) s.destroy();
    logger.info({ event: 'smtp_drain_complete', cut, dropped }, 'SMTP drained');
  }

  private untilEmpty(ms: number): Promise<void> {
    if (this.admitted.size === 0 || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.emptyWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.emptyWaiters.add(done);
    });
  }
}
