import type { BackoffPolicy } from '@postline/mta/policy';
import { BackoffGovernor } from './backoff-governor';
import { ThrottleError } from './throttle.errors';

const MIN = 60_000;
const BACKOFF: BackoffPolicy = {
  on: [{ codes: [421] }, { enhanced: ['4.7.*'] }, { text: ['rate limit'] }],
  messagesPerMinute: 10,
  forMs: 15 * MIN,
};
const OK = { code: 250, enhancedCode: '2.0.0', text: 'queued' };
const R421 = { code: 421, enhancedCode: '4.3.2', text: 'try again later' };
const RATE_TEXT = { code: 451, enhancedCode: '4.7.0', text: 'Sender is being rate limited' };

describe('BackoffGovernor', () => {
  it('arms on 421 and lowers the per-minute rate, keeping per-hour', () => {
    const g = new BackoffGovernor(BACKOFF);
    expect(g.state(0)).toBe('normal');
    expect(g.observe(R421, 1_000)).toBe(true);
    expect(g.state(1_000)).toBe('backoff');
    expect(g.effectiveRates({ perMinute: 600, perHour: 20_000 }, 1_000)).toEqual({
      perMinute: 10,
      perHour: 20_000,
    });
  });

  it('arms on a "4.7.0 ... rate limited" reply', () => {
    const g = new BackoffGovernor(BACKOFF);
    expect(g.observe(RATE_TEXT, 0)).toBe(true);
    expect(g.state(0)).toBe('backoff');
  });

  it('ignores replies that match no rule', () => {
    const g = new BackoffGovernor(BACKOFF);
    expect(g.observe(OK, 0)).toBe(false);
    expect(g.observe({ code: 550, enhancedCode: '5.1.1', text: 'no such user' }, 0)).toBe(false);
    expect(g.state(0)).toBe('normal');
  });

  it('lasts forMs and then recovers by itself', () => {
    const g = new BackoffGovernor(BACKOFF);
    g.observe(R421, 0);
    expect(g.state(15 * MIN - 1)).toBe('backoff');
    expect(g.backoffUntil(0)).toBe(15 * MIN);
    expect(g.state(15 * MIN)).toBe('normal');
    expect(g.backoffUntil(15 * MIN)).toBeUndefined();
    expect(g.effectiveRates({ perMinute: 600 }, 15 * MIN)).toEqual({ perMinute: 600 });
  });

  it('re-arms on a further matching reply, counting forMs from it', () => {
    const g = new BackoffGovernor(BACKOFF);
    g.observe(R421, 0);
    g.observe(RATE_TEXT, 10 * MIN);
    expect(g.state(20 * MIN)).toBe('backoff');
    expect(g.state(25 * MIN)).toBe('normal');
    expect(g.armedCount).toBe(2);
  });

  it('caps an unlimited normal rate at the backoff rate, and never raises a lower one', () => {
    const g = new BackoffGovernor(BACKOFF);
    g.observe(R421, 0);
    expect(g.effectiveRates({}, 0)).toEqual({ perMinute: 10 });
    expect(g.effectiveRates({ perMinute: 3 }, 0)).toEqual({ perMinute: 3 });
  });

  it('never backs off without backoff settings, and leaves backoff when they are removed', () => {
    expect(new BackoffGovernor().observe(R421, 0)).toBe(false);
    const g = new BackoffGovernor(BACKOFF);
    g.observe(R421, 0);
    g.configure(undefined);
    expect(g.state(0)).toBe('normal');
  });

  it('refuses a backoff rate or duration that is not positive', () => {
    expect(() => new BackoffGovernor({ ...BACKOFF, messagesPerMinute: 0 })).toThrow(ThrottleError);
    expect(() => new BackoffGovernor({ ...BACKOFF, forMs: -1 })).toThrow(/backoff duration/);
  });
});
