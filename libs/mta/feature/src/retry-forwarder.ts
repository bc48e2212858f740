// Moves deferred mail back into mail.outbound when it is due. Each retry tier
// topic holds messages with one delay, so in every partition they come due in
// order: the forwarder republishes the due head of a partition, commits past
// it, and at the first record not yet due pauses that partition until then —
// a timer, not a polling loop. The republished record is the same bytes under
// the same routing key, so it lands on the partition that owns its budget.
import { events } from '@postline/contracts';
import {
  PayloadDecodeError,
  Topics,
  deadLetterTopic,
  decodePayload,
  type OutgoingRecord,
} from '@postline/platform/kafka';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { MtaMetrics } from './mta.metrics';
import type { RecordSink } from './produce-batcher';
import { RETRY_TOPIC_PREFIX, retryTopic, type RetryTier } from './retry-tiers';

export interface RetryForwarderOptions {
  /** Where a group without committed offsets starts (default: the beginning). */
  fromBeginning?: boolean;
  kafka: Kafka;
  groupId: string;
  tiers: readonly RetryTier[];
  producer: RecordSink;
  logger: Logger;
  metrics: MtaMetrics;
  /** Longest a paused partition sleeps before looking again (clock changes, new records). */
  maxSleepMs?: number;
  now?: () => number;
}

export class RetryForwarder {
  private readonly consumer: Consumer;
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = false;

  constructor(private readonly opts: RetryForwarderOptions) {
    this.consumer = opts.kafka.consumer({
      groupId: opts.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      // A resumed partition is fetched in the next poll; long polls would delay it by up to 5 s.
      maxWaitTimeInMs: 500,
      retry: { retries: 10 },
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    const now = this.opts.now ?? Date.now;
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.opts.tiers.map(retryTopic),
      fromBeginning: this.opts.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale()) return;
        const due: OutgoingRecord[] = [];
        const dead: OutgoingRecord[] = [];
        let last: string | undefined;
        let waitMs: number | undefined;
        for (const m of batch.messages) {
          let message: events.OutboundMessage;
          try {
            message = decodePayload(events.OutboundMessage, batch.topic, m.value);
          } catch (e) {
            if (!(e instanceof PayloadDecodeError)) throw e;
            dead.push({
              key: m.key?.toString() ?? '',
              value: m.value ?? Buffer.alloc(0),
              headers: { 'x-postline-dlq-reason': e.message },
            });
            last = m.offset;
            continue;
          }
          const notBefore = message.notBefore?.getTime() ?? 0;
          if (notBefore > now()) {
            waitMs = notBefore - now();
            break;
          }
          due.push({ key: message.routingKey, value: m.value! });
          last = m.offset;
        }
        if (dead.length > 0) await this.opts.producer.send(deadLetterTopic(batch.topic), dead);
        if (due.length > 0) await this.opts.producer.send(Topics.outbound, due);
        if (last !== undefined) {
          await this.consumer.commitOffsets([
            {
              topic: batch.topic,
              partition: batch.partition,
              offset: (BigInt(last) + 1n).toString(),
            },
          ]);
          resolveOffset(last);
          this.opts.metrics.retriesForwarded.inc(
            { tier: batch.topic.slice(RETRY_TOPIC_PREFIX.length) },
            due.length,
          );
        }
        if (waitMs !== undefined) this.sleep(batch.topic, batch.partition, waitMs);
        await heartbeat();
      },
    });
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.consumer.disconnect();
  }

  /** Pauses a partition until its head is due; kafkajs then fetches it again from the first unforwarded record. */
  private sleep(topic: string, partition: number, waitMs: number): void {
    this.consumer.pause([{ topic, partitions: [partition] }]);
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (this.running) this.consumer.resume([{ topic, partitions: [partition] }]);
      },
      Math.min(Math.max(waitMs, 10), this.opts.maxSleepMs ?? 60_000),
    );
    timer.unref();
    this.timers.add(timer);
  }
}
