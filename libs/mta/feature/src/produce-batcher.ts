// Coalesces the MTA's many small writes (a few events and maybe a retry record
// per attempt) into few Kafka requests: records wait at most `lingerMs`, or
// until `maxRecords` are pending, then go out together. Each caller's promise
// resolves only when its own records are durable, so a record is still
// acknowledged (offset committed) only after its output is safe.
import type { OutgoingRecord } from '@postline/platform/kafka';

export interface RecordSink {
  send(topic: string, records: OutgoingRecord[]): Promise<void>;
}

interface Pending {
  topic: string;
  records: OutgoingRecord[];
  resolve(): void;
  reject(e: unknown): void;
}

export interface ProduceBatcherOptions {
  lingerMs: number;
  maxRecords: number;
}

export class ProduceBatcher {
  private pending: Pending[] = [];
  private pendingRecords = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: RecordSink,
    private readonly opts: ProduceBatcherOptions,
  ) {}

  /** Resolves once every record given is durable in Kafka. */
  write(writes: Array<{ topic: string; records: OutgoingRecord[] }>): Promise<void> {
    const nonEmpty = writes.filter((w) => w.records.length > 0);
    if (nonEmpty.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let left = nonEmpty.length;
      let failed = false;
      for (const w of nonEmpty) {
        this.pending.push({
          ...w,
          resolve: () => {
            if (--left === 0 && !failed) resolve();
          },
          reject: (e) => {
            if (!failed) reject(e);
            failed = true;
          },
        });
        this.pendingRecords += w.records.length;
      }
      if (this.pendingRecords >= this.opts.maxRecords) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opts.lingerMs);
    });
  }

  /** Sends what is pending now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.pendingRecords = 0;
    const byTopic = new Map<string, Pending[]>();
    for (const p of batch) {
      const parts = byTopic.get(p.topic);
      if (parts) parts.push(p);
      else byTopic.set(p.topic, [p]);
    }
    for (const [topic, parts] of byTopic) {
      this.sink
        .send(
          topic,
          parts.flatMap((p) => p.records),
        )
        .then(
          () => parts.forEach((p) => p.resolve()),
          (e) => parts.forEach((p) => p.reject(e)),
        );
    }
  }
}
