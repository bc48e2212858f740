// Backoff mode of one budget (PowerMTA's "backoff"): when a receiver answers
// with a reply the policy lists (421, 4.7.x, "rate limited"...), the budget
// slows to the policy's backoff rate for `forMs`, counted again from every
// further matching reply, and then returns to its normal rate by itself.
import { compileBackoffRules, type BackoffPolicy, type ReplyLike } from '@postline/mta/policy';
import type { Rates } from './rate-limiter';
import { checkPositive } from './throttle.errors';

export type BudgetState = 'normal' | 'backoff';

export class BackoffGovernor {
  private matches: (reply: ReplyLike) => boolean = () => false;
  private settings: BackoffPolicy | undefined;
  private until: number | undefined;
  private armings = 0;

  /** Without backoff settings the governor never leaves normal. */
  constructor(backoff?: BackoffPolicy) {
    this.configure(backoff);
  }

  /** Times a reply has armed or re-armed backoff. */
  get armedCount(): number {
    return this.armings;
  }

  /** Feeds one reply of the budget; true when it (re-)armed backoff. */
  observe(reply: ReplyLike, now: number): boolean {
    if (!this.settings || !this.matches(reply)) return false;
    this.until = Math.max(this.until ?? 0, now + this.settings.forMs);
    this.armings++;
    return true;
  }

  state(now: number): BudgetState {
    return this.until !== undefined && now < this.until ? 'backoff' : 'normal';
  }

  /** When backoff ends, if it is on. */
  backoffUntil(now: number): number | undefined {
    return this.state(now) === 'backoff' ? this.until : undefined;
  }

  /** The rates to enforce now: in backoff, per minute is capped at the backoff rate; per hour is kept. */
  effectiveRates(normal: Rates, now: number): Rates {
    if (!this.settings || this.state(now) === 'normal') return { ...normal };
    const cap = this.settings.messagesPerMinute;
    return { ...normal, perMinute: Math.min(normal.perMinute ?? cap, cap) };
  }

  /** New settings (a policy override); a backoff in progress keeps its end time unless backoff is removed. */
  configure(backoff: BackoffPolicy | undefined): void {
    if (backoff) {
      checkPositive(backoff.messagesPerMinute, 'backoff messages per minute');
      checkPositive(backoff.forMs, 'backoff duration');
    }
    this.settings = backoff;
    this.matches = backoff ? compileBackoffRules(backoff.on) : () => false;
    if (!backoff) this.until = undefined;
  }
}
