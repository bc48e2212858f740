// Slowloris defence for DATA: a client that trickles its message keeps the
// idle timeout from ever firing, so while DATA is being received the server
// checks once per window that at least `minBytesPerSecond` arrived on average
// over that window; a client below it is cut off and nothing is queued.

export interface DataRateLimits {
  /** 0 disables the check. */
  minBytesPerSecond: number;
  windowMs: number;
}

export class DataRateMonitor {
  private lastAt: number;
  private lastBytes = 0;

  constructor(
    private readonly limits: DataRateLimits,
    startedAt: number,
  ) {
    this.lastAt = startedAt;
  }

  get enabled(): boolean {
    return this.limits.minBytesPerSecond > 0 && this.limits.windowMs > 0;
  }

  /** Called at the end of each window with the bytes received so far; false means too slow. */
  check(now: number, totalBytes: number): boolean {
    const elapsedMs = now - this.lastAt;
    const received = totalBytes - this.lastBytes;
    this.lastAt = now;
    this.lastBytes = totalBytes;
    if (!this.enabled || elapsedMs <= 0) return true;
    return received * 1000 >= this.limits.minBytesPerSecond * elapsedMs;
  }
}
