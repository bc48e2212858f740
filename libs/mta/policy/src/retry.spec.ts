import { PolicyArgumentError } from './policy.errors';
import { isExpired, nextAttemptAt, retryDelayFor } from './retry';

const MIN = 60_000;
const HOUR = 60 * MIN;
const policy = { retrySchedule: [MIN, 10 * MIN, HOUR, 6 * HOUR], bounceAfterMs: 72 * HOUR };

describe('retryDelayFor', () => {
  it('follows the schedule attempt by attempt', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayFor(policy, n))).toEqual([
      MIN,
      10 * MIN,
      HOUR,
      6 * HOUR,
    ]);
  });

  it('repeats the last step once the schedule is used up', () => {
    expect(retryDelayFor(policy, 5)).toBe(6 * HOUR);
    expect(retryDelayFor(policy, 40)).toBe(6 * HOUR);
  });

  it('is undefined for a policy that never retries', () => {
    expect(retryDelayFor({ retrySchedule: [], bounceAfterMs: HOUR }, 1)).toBeUndefined();
  });

  it('refuses an attempt count below 1', () => {
    expect(() => retryDelayFor(policy, 0)).toThrow(PolicyArgumentError);
    expect(() => retryDelayFor(policy, 1.5)).toThrow(PolicyArgumentError);
  });
});

describe('isExpired and nextAttemptAt', () => {
  const first = 1_000_000;

  it('expires a message once it is bounce-after old', () => {
    expect(isExpired(policy, first, first + 72 * HOUR - 1)).toBe(false);
    expect(isExpired(policy, first, first + 72 * HOUR)).toBe(true);
  });

  it('schedules the next attempt after the step delay', () => {
    expect(nextAttemptAt(policy, 2, first, first + MIN)).toBe(first + 11 * MIN);
  });

  it('pulls the last retry in to the expiry moment, then bounces', () => {
    const late = first + 70 * HOUR;
    expect(nextAttemptAt(policy, 15, first, late)).toBe(first + 72 * HOUR);
    expect(nextAttemptAt(policy, 16, first, first + 72 * HOUR)).toBeUndefined();
  });

  it('bounces at once when the policy never retries', () => {
    expect(
      nextAttemptAt({ retrySchedule: [], bounceAfterMs: HOUR }, 1, first, first),
    ).toBeUndefined();
  });
});
