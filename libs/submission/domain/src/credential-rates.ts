// Per-credential sending rates (messages and recipients per minute), counted
// when a message is accepted and checked at MAIL and RCPT, so a runaway or
// compromised application is slowed with a temporary 450 instead of flooding
// the queue. Each key keeps two fixed one-minute buckets and estimates the
// sliding minute from them (previous bucket weighted by its share still in
// the window): constant memory per credential, exact enough for a limit.

export const RATE_WINDOW_MS = 60_000;
const MAX_KEYS = 100_000;

interface Buckets {
  start: number;
  current: number;
  previous: number;
}

export class SlidingRate {
  private readonly keys = new Map<string, Buckets>();

  constructor(private readonly windowMs = RATE_WINDOW_MS) {}

  add(key: string, now: number, amount: number): void {
    const b = this.roll(key, now);
    b.current += amount;
    this.keys.delete(key);
    this.keys.set(key, b);
    if (this.keys.size > MAX_KEYS) this.keys.delete(this.keys.keys().next().value as string);
  }

  /** Estimated events in the last window. */
  count(key: string, now: number): number {
    if (!this.keys.has(key)) return 0;
    const b = this.roll(key, now);
    const previousShare = 1 - (now - b.start) / this.windowMs;
    return b.current + b.previous * Math.max(0, previousShare);
  }

  private roll(key: string, now: number): Buckets {
    const aligned = now - (now % this.windowMs);
    const b = this.keys.get(key) ?? { start: aligned, current: 0, previous: 0 };
    if (aligned - b.start >= 2 * this.windowMs) Object.assign(b, { previous: 0, current: 0 });
    else if (aligned > b.start) Object.assign(b, { previous: b.current, current: 0 });
    b.start = aligned;
    return b;
  }
}

export interface RateLimits {
  messagesPerMinute: number;
  recipientsPerMinute: number;
}

export class CredentialRates {
  private readonly messages = new SlidingRate();
  private readonly recipients = new SlidingRate();

  constructor(private readonly now: () => number = Date.now) {}

  /** May `credential` start another message? */
  messageAllowed(credential: string, limits: RateLimits): boolean {
    return this.messages.count(credential, this.now()) < limits.messagesPerMinute;
  }

  /** May `credential` add one recipient to a message that already has `pending`? */
  recipientAllowed(credential: string, limits: RateLimits, pending: number): boolean {
    return this.recipients.count(credential, this.now()) + pending < limits.recipientsPerMinute;
  }

  recordAccepted(credential: string, recipients: number): void {
    const now = this.now();
    this.messages.add(credential, now, 1);
    this.recipients.add(credential, now, recipients);
  }
}
