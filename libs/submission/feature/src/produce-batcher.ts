// Group commit for the durable produce behind each 250. The producer is
// idempotent with one request in flight, so messages finishing DATA at the same
// time would otherwise wait for each other's round trip; instead, while one
// send is in flight the next records queue up and go together in the next
// send. Every message is still answered only after its own records are
// acknowledged. A send never exceeds `maxBatchBytes`, since Kafka refuses a
// record batch over its message size limit; and a record whose message gave
// up waiting (its client was told 451) before it was handed to Kafka is
// dropped instead of produced, so that 451 does not turn into a duplicate.
import type { DurableProducer, OutgoingRecord } from '@postline/platform/kafka';

interface Pending {
  record: OutgoingRecord;
  bytes: number;
  state: 'queued' | 'sent' | 'dropped';
  settled: Promise<void>;
  resolve(): void;
  reject(e: unknown): void;
}

export interface BatchHandle {
  /** Resolves once every record is acknowledged; rejects on the first failure. */
  done: Promise<void>;
  /**
   * Drops the records not yet handed to Kafka. Resolves with the fate of those
   * already sent (true: all produced) or undefined when none had been sent.
   */
  abandon(): Promise<boolean> | undefined;
}

export class RecordDroppedError extends Error {
  constructor() {
    super('record dropped before it was produced');
    this.name = 'RecordDroppedError';
  }
}

export function recordBytes(record: OutgoingRecord): number {
  return record.value.length + Buffer.byteLength(record.key);
}

export class ProduceBatcher {
  private readonly queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly producer: DurableProducer,
    private readonly topic: string,
    private readonly maxBatchBytes: number,
    private readonly sendTimeoutMs: number,
  ) {}

  enqueue(records: OutgoingRecord[]): BatchHandle {
    const items = records.map((record) => this.pending(record));
    this.queue.push(...items);
    void this.flush();
    const done = Promise.all(items.map((i) => i.settled)).then(() => undefined);
    done.catch(() => undefined);
    return {
      done,
      abandon: () => {
        for (const i of items)
          if (i.state === 'queued') {
            i.state = 'dropped';
            i.reject(new RecordDroppedError());
          }
        const sent = items.filter((i) => i.state === 'sent');
        if (sent.length === 0) return undefined;
        return Promise.all(sent.map((i) => i.settled)).then(
          () => true,
          () => false,
        );
      },
    };
  }

  private pending(record: OutgoingRecord): Pending {
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const settled = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    settled.catch(() => undefined);
    return { record, bytes: recordBytes(record), state: 'queued', settled, resolve, reject };
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let batch = this.take(); batch.length > 0; batch = this.take()) {
        try {
          await this.producer.send(
            this.topic,
            batch.map((p) => p.record),
            this.sendTimeoutMs,
          );
          for (const p of batch) p.resolve();
        } catch (e) {
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** The next batch: queued records in order, up to maxBatchBytes (at least one). */
  private take(): Pending[] {
    const batch: Pending[] = [];
    let bytes = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (next.state === 'dropped') {
        this.queue.shift();
        continue;
      }
      if (batch.length > 0 && bytes + next.bytes > this.maxBatchBytes) break;
      this.queue.shift();
      next.state = 'sent';
      batch.push(next);
      bytes += next.bytes;
    }
    return batch;
  }
}
