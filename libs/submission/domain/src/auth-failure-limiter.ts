// Brute-force defence for SMTP AUTH. Failures count per client (address, or
// IPv6 /64) and per username within a sliding window; each failure is answered
// after a delay that doubles with the failures so far, and reaching a limit
// locks the client or the username for a while (the session gets 421 4.7.0,
// and a locked client is refused at connect).
//
// Usernames are counted alike whether or not a credential exists, so neither
// the replies nor the lockouts reveal which usernames are real. A username
// lockout would let anyone shut a real application out, so sources that
// authenticated successfully as that username recently stay exempt from it.
import { createHash } from 'node:crypto';
import { ExpiringMarks, SlidingWindowLog } from './sliding-window';

export interface AuthLimits {
  windowMs: number;
  maxFailuresPerClient: number;
  maxFailuresPerUsername: number;
  lockoutMs: number;
  /** Delay before answering the first failure; it doubles with each further one. */
  failureDelayMs: number;
  maxFailureDelayMs: number;
}

export type LockScope = 'client' | 'username';

export interface FailureOutcome {
  /** Wait this long before answering the failed attempt. */
  delayMs: number;
  /** Set when this failure reached a limit and started a lockout. */
  lockout?: LockScope;
}

/** How long a successful AUTH keeps its source exempt from that username's lockout. */
export const TRUSTED_SOURCE_MS = 24 * 60 * 60 * 1000;
/** Keys (clients, usernames, trusted pairs) tracked at most, each. */
export const MAX_TRACKED_KEYS = 100_000;

/** A fixed-size key for a username: case-insensitive, whatever its length. */
export function usernameKey(username: string): string {
  return createHash('sha256').update(username.trim().toLowerCase()).digest('base64url');
}

export class AuthFailureLimiter {
  private readonly clientFailures: SlidingWindowLog;
  private readonly usernameFailures: SlidingWindowLog;
  private readonly locks = new ExpiringMarks(2 * MAX_TRACKED_KEYS);
  private readonly trusted = new ExpiringMarks(MAX_TRACKED_KEYS);

  constructor(
    private readonly limits: AuthLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.clientFailures = new SlidingWindowLog(
      limits.windowMs,
      limits.maxFailuresPerClient,
      MAX_TRACKED_KEYS,
    );
    this.usernameFailures = new SlidingWindowLog(
      limits.windowMs,
      limits.maxFailuresPerUsername,
      MAX_TRACKED_KEYS,
    );
  }

  /** The lockout that applies to this client (and username, once it is known), if any. */
  lockedScope(client: string, username?: string): LockScope | undefined {
    const now = this.now();
    if (this.locks.remaining(`c:${client}`, now) > 0) return 'client';
    if (username === undefined) return undefined;
    const user = usernameKey(username);
    if (this.locks.remaining(`u:${user}`, now) === 0) return undefined;
    return this.trusted.remaining(`${user}|${client}`, now) > 0 ? undefined : 'username';
  }

  recordFailure(client: string, username: string): FailureOutcome {
    const now = this.now();
    const user = usernameKey(username);
    const byClient = this.clientFailures.add(client, now);
    const byUsername = this.usernameFailures.add(user, now);
    const { failureDelayMs, maxFailureDelayMs } = this.limits;
    const delayMs = Math.min(failureDelayMs * 2 ** (byClient - 1), maxFailureDelayMs);
    if (byClient >= this.limits.maxFailuresPerClient) {
      this.locks.mark(`c:${client}`, now + this.limits.lockoutMs);
      return { delayMs, lockout: 'client' };
    }
    if (byUsername >= this.limits.maxFailuresPerUsername) {
      this.locks.mark(`u:${user}`, now + this.limits.lockoutMs);
      return { delayMs, lockout: 'username' };
    }
    return { delayMs };
  }

  /** A success does not clear failures (that would reset an attacker holding one valid login). */
  recordSuccess(client: string, username: string): void {
    this.trusted.mark(`${usernameKey(username)}|${client}`, this.now() + TRUSTED_SOURCE_MS);
  }

  /** Lockouts in force now, by scope, for the gauge. */
  activeLockouts(): Record<LockScope, number> {
    const now = this.now();
    return {
      client: this.locks.active(now, 'c:'),
      username: this.locks.active(now, 'u:'),
    };
  }

  /** Drops expired entries; the service calls this periodically. */
  sweep(): void {
    const now = this.now();
    this.clientFailures.sweep(now);
    this.usernameFailures.sweep(now);
    this.locks.sweep(now);
    this.trusted.sweep(now);
  }
}
