import { AuthFailureLimiter, usernameKey, type AuthLimits } from './auth-failure-limiter';

const limits: AuthLimits = {
  windowMs: 60_000,
  maxFailuresPerClient: 5,
  maxFailuresPerUsername: 8,
  lockoutMs: 120_000,
  failureDelayMs: 100,
  maxFailureDelayMs: 1000,
};

function limiterAt(start = 1_000_000) {
  const clock = { now: start };
  return { clock, limiter: new AuthFailureLimiter(limits, () => clock.now) };
}

describe('AuthFailureLimiter', () => {
  it('doubles the delay with each failure of a client, up to the cap', () => {
    const { limiter } = limiterAt();
    const delays = [1, 2, 3, 4].map(() => limiter.recordFailure('192.0.2.1', 'app').delayMs);
    expect(delays).toEqual([100, 200, 400, 800]);
    const other = new AuthFailureLimiter({ ...limits, maxFailuresPerClient: 50 }, () => 0);
    const many = Array.from({ length: 8 }, () => other.recordFailure('c', 'u').delayMs);
    expect(many.slice(-1)).toEqual([1000]);
  });

  it('locks the client on its Nth failure in the window, and only that client', () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 4; i++)
      expect(limiter.recordFailure('192.0.2.1', `u${i}`).lockout).toBe(undefined);
    expect(limiter.recordFailure('192.0.2.1', 'u4').lockout).toBe('client');
    expect(limiter.lockedScope('192.0.2.1')).toBe('client');
    expect(limiter.lockedScope('192.0.2.2')).toBeUndefined();
    expect(limiter.activeLockouts()).toEqual({ client: 1, username: 0 });
  });

  it('forgets failures older than the window', () => {
    const { clock, limiter } = limiterAt();
    for (let i = 0; i < 4; i++) limiter.recordFailure('192.0.2.1', 'app');
    clock.now += limits.windowMs + 1;
    expect(limiter.recordFailure('192.0.2.1', 'app')).toEqual({ delayMs: 100 });
  });

  it('lifts a lockout once it has run its time', () => {
    const { clock, limiter } = limiterAt();
    for (let i = 0; i < 5; i++) limiter.recordFailure('192.0.2.1', 'app');
    clock.now += limits.lockoutMs - 1;
    expect(limiter.lockedScope('192.0.2.1')).toBe('client');
    clock.now += 2;
    expect(limiter.lockedScope('192.0.2.1')).toBeUndefined();
  });

  it('locks a username attacked from many clients, except for sources that logged in as it before', () => {
    const { limiter } = limiterAt();
    limiter.recordSuccess('198.51.100.9', 'App');
    let outcome;
    for (let i = 0; i < 8; i++) outcome = limiter.recordFailure(`203.0.113.${i}`, 'app');
    expect(outcome).toMatchObject({ lockout: 'username' });
    expect(limiter.lockedScope('203.0.113.200', 'APP')).toBe('username');
    expect(limiter.lockedScope('198.51.100.9', 'app')).toBeUndefined();
    expect(limiter.lockedScope('203.0.113.200', 'other')).toBeUndefined();
  });

  it('treats unknown and real usernames alike: the key depends on the name only', () => {
    expect(usernameKey(' App ')).toBe(usernameKey('app'));
    expect(usernameKey('x'.repeat(10_000))).toHaveLength(43);
  });

  it('does not clear failures on success, so one valid login cannot reset a guessing run', () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 4; i++) limiter.recordFailure('192.0.2.1', 'victim');
    limiter.recordSuccess('192.0.2.1', 'attacker-own-login');
    expect(limiter.recordFailure('192.0.2.1', 'victim').lockout).toBe('client');
  });

  it('sweeps expired state', () => {
    const { clock, limiter } = limiterAt();
    for (let i = 0; i < 5; i++) limiter.recordFailure('192.0.2.1', 'app');
    clock.now += limits.lockoutMs + limits.windowMs;
    limiter.sweep();
    expect(limiter.activeLockouts()).toEqual({ client: 0, username: 0 });
  });
});
