// The budgets of one MTA worker, by budget key (a routing key, or
// "policy:<name>[#shard]" for a provider rollup), created when first needed
// from the resolved policy and forgotten after a quiet spell, so a worker
// that has seen a million domains does not keep a million budgets.
import { Budget, type BudgetPolicy } from './budget';
import { checkPositive } from './throttle.errors';

export interface BudgetRegistryOptions {
  now: () => number;
  /** A budget unused this long (and owing nothing) is evicted by evictIdle(). Default 10 minutes. */
  idleEvictMs?: number;
}

export interface BudgetStats {
  budgets: number;
  inBackoff: number;
  activeConnections: number;
  /** Refused tryTake calls since the registry was created (a counter: it never goes down). */
  waits: number;
}

export const DEFAULT_IDLE_EVICT_MS = 10 * 60_000;

export class BudgetRegistry {
  private readonly budgets = new Map<string, Budget>();
  private readonly now: () => number;
  private readonly idleEvictMs: number;
  private waitCount = 0;

  constructor(options: BudgetRegistryOptions) {
    checkPositive(options.idleEvictMs, 'idleEvictMs');
    this.now = options.now;
    this.idleEvictMs = options.idleEvictMs ?? DEFAULT_IDLE_EVICT_MS;
  }

  get size(): number {
    return this.budgets.size;
  }

  /** Refused tryTake calls across all budgets, evicted ones included. */
  get waits(): number {
    return this.waitCount;
  }

  /**
   * The budget for a resolved policy, created on first use; a policy whose
   * limits changed since (an override) is applied to the existing budget, so
   * its debt and backoff carry over.
   */
  budgetFor(policy: BudgetPolicy & { budgetKey: string }): Budget {
    const existing = this.budgets.get(policy.budgetKey);
    if (existing) {
      existing.update(policy);
      return existing;
    }
    const budget = new Budget(policy.budgetKey, policy, this.now, () => this.waitCount++);
    this.budgets.set(policy.budgetKey, budget);
    return budget;
  }

  get(budgetKey: string): Budget | undefined {
    return this.budgets.get(budgetKey);
  }

  /**
   * Forgets budgets that are idle (see Budget.isIdle); returns their keys.
   * Call it periodically. A Budget object must not be kept across this call:
   * ask budgetFor again, or two budgets could exist for one key.
   */
  evictIdle(): string[] {
    const evicted: string[] = [];
    for (const [key, budget] of this.budgets) {
      if (budget.isIdle(this.idleEvictMs)) {
        this.budgets.delete(key);
        evicted.push(key);
      }
    }
    return evicted;
  }

  stats(): BudgetStats {
    let inBackoff = 0;
    let activeConnections = 0;
    for (const budget of this.budgets.values()) {
      if (budget.state() === 'backoff') inBackoff++;
      activeConnections += budget.activeConnections;
    }
    return { budgets: this.budgets.size, inBackoff, activeConnections, waits: this.waitCount };
  }
}
