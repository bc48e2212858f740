// Per-routing-key ready queues of the MTA, fed from mail.outbound partitions.
// Each key's queue is FIFO; bytes are counted per source partition so the
// consumer can pause a partition whose buffered mail passes a bound (and the
// memory of a worker stays flat however large the backlog in Kafka is).

export interface QueuedEntry<T> {
  key: string;
  partition: number;
  bytes: number;
  enqueuedAt: number;
  item: T;
}

export class ReadyQueues<T> {
  private readonly queues = new Map<string, QueuedEntry<T>[]>();
  private readonly partitionBytes = new Map<number, number>();
  private count = 0;

  push(entry: QueuedEntry<T>): void {
    let queue = this.queues.get(entry.key);
    if (!queue) {
      queue = [];
      this.queues.set(entry.key, queue);
    }
    queue.push(entry);
    this.count++;
    this.partitionBytes.set(
      entry.partition,
      (this.partitionBytes.get(entry.partition) ?? 0) + entry.bytes,
    );
  }

  shift(key: string): QueuedEntry<T> | undefined {
    const queue = this.queues.get(key);
    const entry = queue?.shift();
    if (!entry) return undefined;
    if (queue!.length === 0) this.queues.delete(key);
    this.count--;
    this.release(entry);
    return entry;
  }

  /** Takes every queued entry of a key out (suspend with bounce, expiry sweeps). */
  drainKey(key: string): QueuedEntry<T>[] {
    const queue = this.queues.get(key) ?? [];
    this.queues.delete(key);
    this.count -= queue.length;
    queue.forEach((e) => this.release(e));
    return queue;
  }

  /** Drops what came from partitions this worker no longer owns; Kafka re-delivers it to the new owner. */
  dropPartitions(partitions: Set<number>): QueuedEntry<T>[] {
    const dropped: QueuedEntry<T>[] = [];
    for (const [key, queue] of this.queues) {
      const kept = queue.filter((e) => !partitions.has(e.partition));
      if (kept.length === queue.length) continue;
      dropped.push(...queue.filter((e) => partitions.has(e.partition)));
      if (kept.length === 0) this.queues.delete(key);
      else this.queues.set(key, kept);
    }
    this.count -= dropped.length;
    dropped.forEach((e) => this.release(e));
    return dropped;
  }

  has(key: string): boolean {
    return this.queues.has(key);
  }

  sizeOf(key: string): number {
    return this.queues.get(key)?.length ?? 0;
  }

  /** When the oldest entry of a key was queued, if any. */
  oldestOf(key: string): number | undefined {
    return this.queues.get(key)?.[0]?.enqueuedAt;
  }

  keys(): IterableIterator<string> {
    return this.queues.keys();
  }

  get size(): number {
    return this.count;
  }

  bytesOf(partition: number): number {
    return this.partitionBytes.get(partition) ?? 0;
  }

  private release(entry: QueuedEntry<T>): void {
    const left = (this.partitionBytes.get(entry.partition) ?? 0) - entry.bytes;
    if (left <= 0) this.partitionBytes.delete(entry.partition);
    else this.partitionBytes.set(entry.partition, left);
  }
}
