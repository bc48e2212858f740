// Reads what lands on a topic from "now" on, for e2e assertions: a fresh
// consumer group positioned at the end offsets taken before the scenario acts,
// and waits that resolve on arriving records (never on a fixed sleep).
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';

export interface TappedRecord {
  partition: number;
  message: KafkaMessage;
}

export class TopicTap {
  private readonly records: TappedRecord[] = [];
  private readonly arrivals = new EventEmitter();

  private constructor(private readonly consumer: Consumer) {}

  static async open(kafka: Kafka, topic: string): Promise<TopicTap> {
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    const consumer = kafka.consumer({ groupId: `e2e-tap-${randomUUID()}` });
    const tap = new TopicTap(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        tap.records.push({ partition, message });
        tap.arrivals.emit('record');
      },
    });
    // Skip history; callers filter by their run's ids anyway, so this only saves time.
    for (const { partition, high } of ends) consumer.seek({ topic, partition, offset: high });
    return tap;
  }

  /** Resolves with the matching records once `count` have arrived; rejects after timeoutMs. */
  waitFor(
    match: (r: TappedRecord) => boolean,
    count: number,
    timeoutMs: number,
    what: string,
  ): Promise<TappedRecord[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.records.filter(match);
        if (found.length < count) return false;
        this.arrivals.off('record', check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.arrivals.off('record', check);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${count} ${what}; got ${this.records.filter(match).length}`,
          ),
        );
      }, timeoutMs);
      if (!check()) this.arrivals.on('record', check);
    });
  }

  /** Records seen so far that match (to assert that nothing extra arrived). */
  seen(match: (r: TappedRecord) => boolean): TappedRecord[] {
    return this.records.filter(match);
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }
}
