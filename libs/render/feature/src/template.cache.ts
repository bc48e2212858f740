// In-process LRU of compiled templates. Template versions are immutable, so an
// entry never goes stale; the bound only limits memory. Concurrent misses for
// the same key share one load, so a burst of records costs one database read.

export class TemplateCache<V> {
  private readonly entries = new Map<string, V>();
  private readonly loading = new Map<string, Promise<V | undefined>>();

  constructor(private readonly capacity: number) {
    if (capacity < 1) throw new Error('template cache capacity must be at least 1');
  }

  static key(tenantId: string, templateId: string, version: number): string {
    // NUL cannot occur in ids, so keys of different triples never collide.
    return `${tenantId}\u0000${templateId}\u0000${version}`;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // Re-insert to mark as most recently used (Map keeps insertion order).
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Cached value, or the result of `load` (cached unless undefined: absence is not cached). */
  async getOrLoad(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const promise = load()
      .then((value) => {
        if (value !== undefined) this.set(key, value);
        return value;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, promise);
    return promise;
  }
}
