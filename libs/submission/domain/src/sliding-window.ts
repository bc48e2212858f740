// In-memory, bounded bookkeeping for the submission limits (AUTH failures,
// per-credential rates): a sliding-window event log per key, and expiring marks
// (lockouts, trusted sources). Both hold at most `maxKeys` keys and drop the
// least recently touched one first, so a flood of distinct keys (spoofed user
// names, many addresses) costs bounded memory instead of growing without end.

/** Map with least-recently-touched eviction (a Map iterates in insertion order). */
class BoundedMap<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly maxKeys: number) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.maxKeys) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }

  entries(): IterableIterator<[string, V]> {
    return this.map.entries();
  }
}

/**
 * Events per key within the last `windowMs`. Only the newest `cap` events are
 * kept: callers compare counts against a limit no higher than `cap`, so older
 * events could not change any decision.
 */
export class SlidingWindowLog {
  private readonly logs: BoundedMap<number[]>;

  constructor(
    private readonly windowMs: number,
    private readonly cap: number,
    maxKeys: number,
  ) {
    this.logs = new BoundedMap(maxKeys);
  }

  /** Records `weight` events at `now`; returns the count in the window, these included. */
  add(key: string, now: number, weight = 1): number {
    const log = this.live(key, now);
    for (let i = 0; i < weight && i < this.cap; i++) log.push(now);
    if (log.length > this.cap) log.splice(0, log.length - this.cap);
    this.logs.set(key, log);
    return log.length;
  }

  count(key: string, now: number): number {
    return this.logs.get(key) ? this.live(key, now).length : 0;
  }

  /** Removes keys with no event left in the window. */
  sweep(now: number): void {
    for (const [key] of [...this.logs.entries()])
      if (this.live(key, now).length === 0) this.logs.delete(key);
  }

  get size(): number {
    return this.logs.size;
  }

  private live(key: string, now: number): number[] {
    const log = this.logs.get(key) ?? [];
    const from = now - this.windowMs;
    let drop = 0;
    while (drop < log.length && log[drop] <= from) drop++;
    if (drop > 0) log.splice(0, drop);
    return log;
  }
}

/** Keys marked until a deadline (a lockout, a trusted source). */
export class ExpiringMarks {
  private readonly marks: BoundedMap<number>;

  constructor(maxKeys: number) {
    this.marks = new BoundedMap(maxKeys);
  }

  mark(key: string, until: number): void {
    this.marks.set(key, Math.max(until, this.marks.get(key) ?? 0));
  }

  /** Milliseconds the mark still holds at `now`; 0 when unmarked or expired. */
  remaining(key: string, now: number): number {
    const until = this.marks.get(key);
    if (until === undefined) return 0;
    if (until <= now) {
      this.marks.delete(key);
      return 0;
    }
    return until - now;
  }

  sweep(now: number): void {
    for (const [key, until] of [...this.marks.entries()]) if (until <= now) this.marks.delete(key);
  }

  /** Marks still holding at `now` whose key starts with `prefix`. */
  active(now: number, prefix = ''): number {
    let n = 0;
    for (const [key, until] of this.marks.entries()) if (until > now && key.startsWith(prefix)) n++;
    return n;
  }
}
