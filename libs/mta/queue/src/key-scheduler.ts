// The MTA's queue manager (Postfix's qmgr in small): it picks which routing key
// sends next. Keys take turns (round robin), each key asks its gate — policy
// rate, connection budget, suspension — before a message starts, and a key
// that may not send right now steps aside, so one slow or throttled domain
// never holds up the others. A global in-flight bound caps the work at once.
import { ReadyQueues, type QueuedEntry } from './ready-queues';

/** A key's answer to "may one more message start now?". */
export type GateVerdict =
  | { ok: true }
  /** Not now: ask again in retryInMs (a rate limit), or when capacity frees up if absent (connections). */
  | { ok: false; retryInMs?: number; suspended?: boolean };

export interface KeySchedulerOptions<T> {
  maxInflight: number;
  gate(key: string): GateVerdict;
  /** Runs one delivery; the scheduler counts it in flight until the promise settles. */
  start(entry: QueuedEntry<T>): Promise<void>;
  /** Timer used for rate-limited keys (injectable for tests). */
  setTimer?(fn: () => void, ms: number): { unref?(): void };
  onThrottleWait?(key: string): void;
}

export class KeyScheduler<T> {
  readonly queues = new ReadyQueues<T>();
  /** Keys with work that may be able to send; insertion order is the round robin. */
  private readonly ready = new Set<string>();
  /** Keys that waited on capacity (connections, a shared budget): retried after any delivery ends. */
  private readonly waitingForCapacity = new Set<string>();
  /** Keys waiting on a rate-limit timer. */
  private readonly timed = new Set<string>();
  private readonly suspended = new Set<string>();
  private inflightCount = 0;
  private readonly inflightByKey = new Map<string, number>();
  private pumping = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly opts: KeySchedulerOptions<T>) {}

  enqueue(entry: Omit<QueuedEntry<T>, 'enqueuedAt'> & { enqueuedAt?: number }): void {
    this.queues.push({ enqueuedAt: Date.now(), ...entry });
    if (!this.timed.has(entry.key) && !this.suspended.has(entry.key)) this.ready.add(entry.key);
    this.pump();
  }

  get inflight(): number {
    return this.inflightCount;
  }

  inflightOf(key: string): number {
    return this.inflightByKey.get(key) ?? 0;
  }

  /** Re-checks every waiting key, e.g. after a policy reload or a resume. */
  wake(key?: string): void {
    const keys = key ? [key] : [...this.waitingForCapacity, ...this.suspended];
    for (const k of keys) {
      this.waitingForCapacity.delete(k);
      this.suspended.delete(k);
      if (this.queues.has(k) && !this.timed.has(k)) this.ready.add(k);
    }
    this.pump();
  }

  /** Resolves once nothing is in flight (shutdown, tests). */
  whenIdle(): Promise<void> {
    if (this.inflightCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  pump(): void {
    if (this.pumping) return; // start() may settle synchronously in tests; no re-entry
    this.pumping = true;
    try {
      while (this.inflightCount < this.opts.maxInflight && this.ready.size > 0) {
        const key = this.ready.values().next().value as string;
        this.ready.delete(key);
        if (!this.queues.has(key)) continue;
        const verdict = this.opts.gate(key);
        if (!verdict.ok) {
          this.park(key, verdict);
          continue;
        }
        const entry = this.queues.shift(key)!;
        if (this.queues.has(key)) this.ready.add(key); // back of the line: fairness between keys
        this.run(entry);
      }
    } finally {
      this.pumping = false;
    }
  }

  private park(key: string, verdict: Exclude<GateVerdict, { ok: true }>): void {
    if (verdict.suspended) {
      this.suspended.add(key);
    } else if (verdict.retryInMs !== undefined) {
      this.timed.add(key);
      this.opts.onThrottleWait?.(key);
      const timer = (this.opts.setTimer ?? setTimeout)(
        () => {
          this.timed.delete(key);
          if (this.queues.has(key)) this.ready.add(key);
          this.pump();
        },
        Math.max(1, verdict.retryInMs),
      );
      timer.unref?.();
    } else {
      this.waitingForCapacity.add(key);
    }
  }

  private run(entry: QueuedEntry<T>): void {
    this.inflightCount++;
    this.inflightByKey.set(entry.key, this.inflightOf(entry.key) + 1);
    const done = () => {
      this.inflightCount--;
      const left = this.inflightOf(entry.key) - 1;
      if (left > 0) this.inflightByKey.set(entry.key, left);
      else this.inflightByKey.delete(entry.key);
      // Capacity freed: keys waiting on it get another look (a shared MX budget frees for all of them).
      for (const k of this.waitingForCapacity) if (this.queues.has(k)) this.ready.add(k);
      this.waitingForCapacity.clear();
      if (this.inflightCount === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        waiters.forEach((w) => w());
      }
      this.pump();
    };
    // A start that throws synchronously still counts as settled.
    void Promise.resolve()
      .then(() => this.opts.start(entry))
      .then(done, done);
  }
}
