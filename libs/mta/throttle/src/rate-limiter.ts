// Message rate of one budget, per minute and per hour at once, as a generic
// cell rate algorithm (GCRA, a token bucket kept as one timestamp per
// window). Sending is smooth: 600/min lets one message through every 100 ms,
// not 600 at the top of each minute.
//
// Burst: the per-minute window lets about one second's worth of messages
// (ceil(perMinute / 60), at least 1) through back to back after a quiet
// spell, so a freshly opened connection need not wait for the first tick. The
// per-hour window has no burst, so no 60-minute span ever carries more than
// perHour messages. Both windows must admit a message for it to be taken.
import { checkPositive } from './throttle.errors';

/** Messages per minute and per hour; undefined = no limit on that window. */
export interface Rates {
  perMinute?: number;
  perHour?: number;
}

export type TakeResult = { ok: true } | { ok: false; retryInMs: number };

const MINUTE = 60_000;
const HOUR = 3_600_000;
// Sub-microsecond remainders of float spacing (60000/7 ms) are not worth a wait.
const EPSILON_MS = 1e-6;

/** One GCRA window: `tat` is the theoretical arrival time of the next message. */
class Window {
  private tat: number | undefined;

  constructor(
    private intervalMs: number,
    private toleranceMs: number,
  ) {}

  /** 0 if a message may go now, else how long until one may. */
  waitMs(now: number): number {
    const tat = Math.max(this.tat ?? now, now);
    return Math.max(0, tat - this.toleranceMs - now);
  }

  take(now: number): void {
    this.tat = Math.max(this.tat ?? now, now) + this.intervalMs;
  }

  /**
   * New spacing. The window keeps the fraction of its capacity in use, so a
   * drop from 600/min to 6/min after a burst waits a few seconds, not the
   * burst's worth of slow-rate intervals, and a rise takes effect at once.
   */
  reshape(intervalMs: number, toleranceMs: number, now: number): void {
    if (this.tat !== undefined && this.tat > now) {
      const used = (this.tat - now) / (this.toleranceMs + this.intervalMs);
      this.tat = now + used * (toleranceMs + intervalMs);
    }
    this.intervalMs = intervalMs;
    this.toleranceMs = toleranceMs;
  }

  /** True when nothing is owed: dropping the window loses no state. */
  settled(now: number): boolean {
    return this.tat === undefined || this.tat <= now;
  }
}

function burstFor(perMinute: number): number {
  return Math.max(1, Math.ceil(perMinute / 60));
}

export class RateLimiter {
  private minute: Window | undefined;
  private hour: Window | undefined;
  private current: Rates = {};

  constructor(rates: Rates = {}) {
    this.apply(rates, 0);
  }

  get rates(): Rates {
    return { ...this.current };
  }

  /** Takes one message if both windows admit it; otherwise says how long to wait, and takes nothing. */
  tryTake(now: number): TakeResult {
    const wait = Math.max(this.minute?.waitMs(now) ?? 0, this.hour?.waitMs(now) ?? 0);
    if (wait > EPSILON_MS) return { ok: false, retryInMs: Math.ceil(wait) };
    this.minute?.take(now);
    this.hour?.take(now);
    return { ok: true };
  }

  /** Changes the rates from `now` on (backoff, a policy override); undefined removes a window's limit. */
  setRate(rates: Rates, now: number): void {
    this.apply(rates, now);
  }

  /** True when the limiter owes nothing, so a fresh one would behave the same. */
  settled(now: number): boolean {
    return (this.minute?.settled(now) ?? true) && (this.hour?.settled(now) ?? true);
  }

  private apply(rates: Rates, now: number): void {
    checkPositive(rates.perMinute, 'messages per minute');
    checkPositive(rates.perHour, 'messages per hour');
    this.minute = reshaped(this.minute, rates.perMinute, MINUTE, now);
    this.hour = reshaped(this.hour, rates.perHour, HOUR, now);
    this.current = { perMinute: rates.perMinute, perHour: rates.perHour };
  }
}

function reshaped(
  window: Window | undefined,
  rate: number | undefined,
  periodMs: number,
  now: number,
): Window | undefined {
  if (rate === undefined) return undefined;
  const interval = periodMs / rate;
  const burst = periodMs === MINUTE ? burstFor(rate) : 1;
  const tolerance = (burst - 1) * interval;
  if (!window) return new Window(interval, tolerance);
  window.reshape(interval, tolerance, now);
  return window;
}
