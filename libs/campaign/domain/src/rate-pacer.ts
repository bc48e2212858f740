// Paces a campaign's production to mail.render at its send rate, so a large
// launch does not flood render and the MTA faster than the sender asked.
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A token bucket holding at most one second of budget. */
export class RatePacer {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`send rate must be positive, got ${ratePerSecond}`);
    this.tokens = ratePerSecond;
    this.last = clock.now();
  }

  /** Waits until `count` messages may be sent, then spends them. */
  async take(count: number): Promise<void> {
    let remaining = count;
    while (remaining > 0) {
      this.refill();
      const spend = Math.min(remaining, Math.floor(this.tokens));
      if (spend > 0) {
        this.tokens -= spend;
        remaining -= spend;
        continue;
      }
      const needed = Math.min(remaining, this.ratePerSecond) - this.tokens;
      await this.clock.sleep(Math.max(1, Math.ceil((needed / this.ratePerSecond) * 1000)));
    }
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(
      this.ratePerSecond,
      this.tokens + ((now - this.last) / 1000) * this.ratePerSecond,
    );
    this.last = now;
  }
}
