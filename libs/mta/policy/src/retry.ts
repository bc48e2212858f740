// When a temporarily failed message is tried again, and when it has waited
// long enough to be bounced instead. The last step of the schedule repeats
// until bounce-after, so a 1m,10m,1h,6h schedule with 3 days keeps trying
// every 6 hours; the message's age, not the attempt count, ends the retries.
import { PolicyArgumentError } from './policy.errors';
import type { PolicyFields } from './policy.types';

type RetryPolicy = Pick<PolicyFields, 'retrySchedule' | 'bounceAfterMs'>;

/**
 * Delay before the next attempt after `attemptsDone` attempts (1 after the
 * first). Undefined only when the schedule is empty, i.e. the policy never
 * retries and a temporary failure bounces at once.
 */
export function retryDelayFor(policy: RetryPolicy, attemptsDone: number): number | undefined {
  if (!Number.isInteger(attemptsDone) || attemptsDone < 1) {
    throw new PolicyArgumentError(`attemptsDone must be a whole number >= 1, got ${attemptsDone}`);
  }
  const schedule = policy.retrySchedule;
  if (schedule.length === 0) return undefined;
  return schedule[Math.min(attemptsDone, schedule.length) - 1];
}

/** True once the message is bounce-after old, counted from its first attempt. */
export function isExpired(policy: RetryPolicy, firstAttemptAt: number, now: number): boolean {
  return now - firstAttemptAt >= policy.bounceAfterMs;
}

/**
 * When to try again after a temporary failure at `now`, or undefined to bounce
 * now (expired, or no retries). A retry never lands after the expiry moment:
 * the last one is pulled in to it, so no message lives longer than bounce-after.
 */
export function nextAttemptAt(
  policy: RetryPolicy,
  attemptsDone: number,
  firstAttemptAt: number,
  now: number,
): number | undefined {
  const delay = retryDelayFor(policy, attemptsDone);
  if (delay === undefined || isExpired(policy, firstAttemptAt, now)) return undefined;
  return Math.min(now + delay, firstAttemptAt + policy.bounceAfterMs);
}
