// Everything one budget key spends: its message rate, its connections and its
// backoff mode, kept consistent with each other. A shard's budget gets 1/N
// of the policy's rates and connections, so N shards spread over any number
// of workers never add up to more than the policy allows.
import type { BackoffPolicy, ReplyLike, ResolvedPolicy } from '@postline/mta/policy';
import { BackoffGovernor, type BudgetState } from './backoff-governor';
import { ConnectionBudget, type ConnectionLease } from './connection-budget';
import { RateLimiter, type Rates, type TakeResult } from './rate-limiter';
import { checkPositiveInt } from './throttle.errors';

/** What a budget needs from a resolved policy (ResolvedPolicy fits). */
export type BudgetPolicy = Pick<
  ResolvedPolicy,
  | 'messagesPerMinute'
  | 'messagesPerHour'
  | 'maxConnections'
  | 'maxMessagesPerConnection'
  | 'shards'
  | 'backoff'
>;

/** The policy's limits divided over its shards. */
function perShard(policy: BudgetPolicy) {
  checkPositiveInt(policy.shards, 'shards');
  const n = policy.shards;
  const split = (rate: number | undefined) => (rate === undefined ? undefined : rate / n);
  const backoff: BackoffPolicy | undefined = policy.backoff && {
    ...policy.backoff,
    messagesPerMinute: policy.backoff.messagesPerMinute / n,
  };
  return {
    rates: { perMinute: split(policy.messagesPerMinute), perHour: split(policy.messagesPerHour) },
    connections: {
      // A shard with no connection could never send, so each keeps at least one.
      maxConnections: Math.max(1, Math.floor(policy.maxConnections / n)),
      maxMessagesPerConnection: policy.maxMessagesPerConnection,
    },
    backoff,
  };
}

function signature(policy: BudgetPolicy): string {
  return JSON.stringify([
    policy.messagesPerMinute,
    policy.messagesPerHour,
    policy.maxConnections,
    policy.maxMessagesPerConnection,
    policy.shards,
    policy.backoff,
  ]);
}

export class Budget {
  private readonly limiter: RateLimiter;
  private readonly connections: ConnectionBudget;
  private readonly governor: BackoffGovernor;
  private normalRates: Rates;
  private appliedState: BudgetState = 'normal';
  private policySignature: string;
  private lastPolicy: BudgetPolicy;
  private waitCount = 0;
  private lastUsed: number;

  constructor(
    readonly key: string,
    policy: BudgetPolicy,
    private readonly now: () => number,
    private readonly onWait: () => void = () => undefined,
  ) {
    const limits = perShard(policy);
    this.normalRates = limits.rates;
    this.limiter = new RateLimiter(limits.rates);
    this.connections = new ConnectionBudget(limits.connections);
    this.governor = new BackoffGovernor(limits.backoff);
    this.lastPolicy = policy;
    this.policySignature = signature(policy);
    this.lastUsed = now();
  }

  /** Times tryTake refused. */
  get waits(): number {
    return this.waitCount;
  }

  get lastUsedAt(): number {
    return this.lastUsed;
  }

  get activeConnections(): number {
    return this.connections.active;
  }

  /** Takes one message from the rate budget, or says how long to wait. */
  tryTake(): TakeResult {
    const now = this.touch();
    const result = this.limiter.tryTake(now);
    if (!result.ok) {
      this.waitCount++;
      this.onWait();
    }
    return result;
  }

  /** A connection slot, or undefined when this budget's connections are all open. */
  tryAcquireConnection(): ConnectionLease | undefined {
    this.touch();
    return this.connections.tryAcquire();
  }

  /** Feeds one SMTP reply; true when it armed or re-armed backoff. */
  observe(reply: ReplyLike): boolean {
    const now = this.touch();
    const armed = this.governor.observe(reply, now);
    if (armed) this.syncRates(now);
    return armed;
  }

  state(): BudgetState {
    return this.governor.state(this.now());
  }

  /** The per-shard rates in force now (lower while in backoff). */
  rates(): Rates {
    return this.governor.effectiveRates(this.normalRates, this.now());
  }

  backoffUntil(): number | undefined {
    return this.governor.backoffUntil(this.now());
  }

  /** Applies a changed policy (an override); cheap when nothing changed. */
  update(policy: BudgetPolicy): void {
    if (policy === this.lastPolicy) return;
    this.lastPolicy = policy;
    const sig = signature(policy);
    if (sig === this.policySignature) return;
    this.policySignature = sig;
    const limits = perShard(policy);
    this.normalRates = limits.rates;
    this.connections.setLimits(limits.connections);
    this.governor.configure(limits.backoff);
    this.syncRates(this.now());
  }

  /** Nothing in flight, nothing owed, not backing off, unused for idleMs: safe to forget. */
  isIdle(idleMs: number): boolean {
    const now = this.now();
    return (
      now - this.lastUsed >= idleMs &&
      this.connections.active === 0 &&
      this.governor.state(now) === 'normal' &&
      this.limiter.settled(now)
    );
  }

  /** Records use and moves the limiter between normal and backoff rates when the state changed. */
  private touch(): number {
    const now = this.now();
    this.lastUsed = now;
    if (this.governor.state(now) !== this.appliedState) this.syncRates(now);
    return now;
  }

  private syncRates(now: number): void {
    this.appliedState = this.governor.state(now);
    this.limiter.setRate(this.governor.effectiveRates(this.normalRates, now), now);
  }
}
