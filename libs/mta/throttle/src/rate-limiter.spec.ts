import { RateLimiter } from './rate-limiter';
import { ThrottleError } from './throttle.errors';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Takes as fast as the limiter allows from `start` until `end` (exclusive); returns the times taken. */
function drain(limiter: RateLimiter, start: number, end: number): number[] {
  const taken: number[] = [];
  let now = start;
  while (now < end) {
    const r = limiter.tryTake(now);
    if (r.ok) taken.push(now);
    else now += r.retryInMs;
  }
  return taken;
}

describe('RateLimiter', () => {
  it('lets 600/min through at 600 ± 2% per minute over 5 simulated minutes', () => {
    const taken = drain(new RateLimiter({ perMinute: 600 }), 0, 5 * MIN);
    expect(taken.length).toBeGreaterThanOrEqual(3000 * 0.98);
    expect(taken.length).toBeLessThanOrEqual(3000 * 1.02);
  });

  it('spreads the minute evenly: one message every 100 ms after a burst of one second’s worth', () => {
    const taken = drain(new RateLimiter({ perMinute: 600 }), 0, MIN);
    expect(taken.slice(0, 10)).toEqual(new Array(10).fill(0));
    const gaps = taken.slice(11).map((t, i) => t - taken[10 + i]);
    expect(new Set(gaps)).toEqual(new Set([100]));
    // Never 600 at the top of the minute: the first second carries only the burst and its tail.
    expect(taken.filter((t) => t < 1_000).length).toBeLessThanOrEqual(20);
  });

  it('says how long to wait when refusing, and taking then succeeds', () => {
    const limiter = new RateLimiter({ perMinute: 1 });
    expect(limiter.tryTake(0)).toEqual({ ok: true });
    expect(limiter.tryTake(1_000)).toEqual({ ok: false, retryInMs: 59_000 });
    expect(limiter.tryTake(59_999).ok).toBe(false);
    expect(limiter.tryTake(60_000)).toEqual({ ok: true });
  });

  it('never lets more than perHour through in the hour, even with a generous per-minute rate', () => {
    const limiter = new RateLimiter({ perMinute: 600, perHour: 1_000 });
    const taken = drain(limiter, 0, 2 * HOUR);
    expect(taken.filter((t) => t < HOUR).length).toBe(1_000);
    // Any 60-minute span, not just the first, holds at most perHour.
    for (let i = 0; i + 1_000 < taken.length; i += 97) {
      expect(taken[i + 1_000] - taken[i]).toBeGreaterThanOrEqual(HOUR);
    }
  });

  it('has no limit when no rate is set', () => {
    const limiter = new RateLimiter({});
    for (let i = 0; i < 10_000; i++) expect(limiter.tryTake(0).ok).toBe(true);
  });

  it('slows down and recovers when the rate is changed', () => {
    const limiter = new RateLimiter({ perMinute: 600 });
    drain(limiter, 0, MIN);
    limiter.setRate({ perMinute: 6 }, MIN);
    const slow = drain(limiter, MIN, 3 * MIN);
    expect(slow.length).toBeGreaterThanOrEqual(11);
    expect(slow.length).toBeLessThanOrEqual(13);
    limiter.setRate({ perMinute: 600 }, 3 * MIN);
    const fast = drain(limiter, 3 * MIN, 4 * MIN);
    expect(fast.length).toBeGreaterThanOrEqual(588);
    expect(fast.length).toBeLessThanOrEqual(612);
    expect(limiter.rates).toEqual({ perMinute: 600, perHour: undefined });
  });

  it('owes nothing after a quiet spell', () => {
    const limiter = new RateLimiter({ perMinute: 60 });
    expect(limiter.settled(0)).toBe(true);
    drain(limiter, 0, 10_000); // the last message goes at 9 s and uses the window until 10 s
    expect(limiter.settled(9_999)).toBe(false);
    expect(limiter.settled(10_000)).toBe(true);
  });

  it('refuses a zero, negative or non-finite rate', () => {
    for (const bad of [0, -5, Infinity, NaN]) {
      expect(() => new RateLimiter({ perMinute: bad })).toThrow(ThrottleError);
      expect(() => new RateLimiter({}).setRate({ perHour: bad }, 0)).toThrow(
        /messages per hour must be a positive number/,
      );
    }
  });
});
