// The MTA's reader of mail.outbound.v1. It takes records as fast as the ready
// queues have room — fetching does not wait for deliveries — and commits each
// partition only up to its commit watermark (the first record not yet final).
// A partition whose queued bytes pass the bound is paused and resumed once it
// has drained to half. On a rebalance, queued records are dropped (Kafka hands
// them to their new owner from the committed offset); deliveries in flight
// finish, and their completion no longer moves any watermark.
import { events } from '@postline/contracts';
import { CommitWatermark } from '@postline/mta/queue';
import {
  PayloadDecodeError,
  PermanentRecordError,
  Topics,
  deadLetterTopic,
  decodePayload,
} from '@postline/platform/kafka';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import type { DeliveryEngine, OutboundItem } from './delivery-engine';
import type { MtaMetrics } from './mta.metrics';
import { checkOutboundMessage } from './outbound-record';
import type { ProduceBatcher } from './produce-batcher';

export interface OutboundConsumerOptions {
  /** Where a group without committed offsets starts (default: the beginning). */
  fromBeginning?: boolean;
  kafka: Kafka;
  groupId: string;
  logger: Logger;
  engine: DeliveryEngine;
  batcher: ProduceBatcher;
  metrics: MtaMetrics;
  /** Queued bytes of one partition above which it is paused. */
  maxBufferedBytesPerPartition: number;
  commitIntervalMs: number;
  lag?: { set(labels: { topic: string; partition: string }, value: number): void };
}

export class OutboundConsumer {
  private readonly consumer: Consumer;
  private readonly watermarks = new Map<number, CommitWatermark>();
  private readonly paused = new Set<number>();
  private generation = 0;
  private commitTimer: NodeJS.Timeout | undefined;
  private running = false;
  private committing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: OutboundConsumerOptions) {
    this.consumer = opts.kafka.consumer({
      groupId: opts.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30000,
      rebalanceTimeout: 30000,
      heartbeatInterval: 3000,
      // A resumed partition is fetched in the next poll; long polls would delay it by up to 5 s.
      maxWaitTimeInMs: 500,
      maxBytesPerPartition: 1 << 20,
      retry: { retries: 10 },
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => this.onRebalance());
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      this.running = false;
      this.opts.logger.error(
        { event: 'consumer_crash', err: e.payload.error },
        'outbound consumer crashed',
      );
    });
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [Topics.outbound],
      fromBeginning: this.opts.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isStale, isRunning }) => {
        if (!isRunning() || isStale()) return;
        const generation = this.generation;
        for (const message of batch.messages) {
          this.take(batch.partition, message, generation);
          resolveOffset(message.offset);
        }
        this.opts.lag?.set(
          { topic: batch.topic, partition: String(batch.partition) },
          Number(batch.offsetLag()),
        );
        this.pauseIfFull(batch.partition);
        await heartbeat();
      },
    });
    this.running = true;
  }

  /** Stops fetching, lets deliveries in flight finish (bounded by the caller), commits, leaves the group. */
  async stop(drainTimeoutMs: number): Promise<void> {
    this.running = false;
    const assigned = [...this.watermarks.keys()];
    if (assigned.length > 0)
      this.consumer.pause([{ topic: Topics.outbound, partitions: assigned }]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.opts.engine.drain(),
      new Promise((r) => (timer = setTimeout(r, drainTimeoutMs))),
    ]);
    clearTimeout(timer);
    if (this.commitTimer) clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    await this.commit();
    await this.consumer.disconnect();
  }

  /** Called by the engine when an item's outcome is durable. */
  onFinal(item: OutboundItem): void {
    if (item.generation !== this.generation) return;
    this.watermarks.get(item.partition)?.complete(item.offset);
    this.resumeIfDrained(item.partition);
    this.scheduleCommit();
  }

  /**
   * Commits soon after outcomes become final, at most once per interval: what a crash re-delivers
   * (and so may duplicate) is what finished within the last interval, plus what was in flight.
   */
  private scheduleCommit(): void {
    if (this.commitTimer || !this.running) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      void this.commit();
    }, this.opts.commitIntervalMs);
    this.commitTimer.unref();
  }

  private take(partition: number, message: KafkaMessage, generation: number): void {
    let watermark = this.watermarks.get(partition);
    if (!watermark) {
      watermark = new CommitWatermark();
      this.watermarks.set(partition, watermark);
    }
    watermark.add(message.offset);
    const item = { partition, offset: message.offset, generation };
    try {
      const decoded = decodePayload(events.OutboundMessage, Topics.outbound, message.value);
      const checked = checkOutboundMessage(decoded);
      this.opts.engine.accept({ ...item, checked }, message.value?.length ?? 0);
    } catch (e) {
      // Decoding and the contract checks are the only steps here: whatever failed, this record never will work.
      const reason =
        e instanceof PermanentRecordError || e instanceof PayloadDecodeError
          ? e
          : new PermanentRecordError(`unexpected: ${(e as Error).message}`);
      void this.deadLetter(partition, message, reason).then(
        () => this.onFinal(item as OutboundItem),
        (err) =>
          this.opts.logger.error(
            { event: 'dead_letter_failed', partition, offset: message.offset, err },
            'could not dead-letter a record; it stays uncommitted',
          ),
      );
    }
  }

  private async deadLetter(partition: number, message: KafkaMessage, err: Error): Promise<void> {
    this.opts.logger.warn(
      {
        event: 'dead_letter',
        topic: Topics.outbound,
        partition,
        offset: message.offset,
        reason: err.message,
      },
      'record dead-lettered',
    );
    await this.opts.batcher.write([
      {
        topic: deadLetterTopic(Topics.outbound),
        records: [
          {
            key: message.key?.toString() ?? '',
            value: message.value ?? Buffer.alloc(0),
            headers: {
              'x-postline-dlq-reason': err.message,
              'x-postline-source': `${Topics.outbound}/${partition}/${message.offset}`,
            },
          },
        ],
      },
    ]);
  }

  private pauseIfFull(partition: number): void {
    if (this.paused.has(partition)) return;
    if (
      this.opts.engine.scheduler.queues.bytesOf(partition) < this.opts.maxBufferedBytesPerPartition
    )
      return;
    this.paused.add(partition);
    this.consumer.pause([{ topic: Topics.outbound, partitions: [partition] }]);
    this.opts.metrics.pausedPartitions.set(this.paused.size);
  }

  private resumeIfDrained(partition: number): void {
    if (!this.paused.has(partition) || !this.running) return;
    if (
      this.opts.engine.scheduler.queues.bytesOf(partition) >
      this.opts.maxBufferedBytesPerPartition / 2
    )
      return;
    this.paused.delete(partition);
    this.consumer.resume([{ topic: Topics.outbound, partitions: [partition] }]);
    this.opts.metrics.pausedPartitions.set(this.paused.size);
  }

  /** Commits every partition whose watermark moved; one commit at a time. */
  private commit(): Promise<void> {
    this.committing = this.committing.then(async () => {
      const offsets = [...this.watermarks].flatMap(([partition, w]) => {
        const offset = w.takeCommit();
        return offset === undefined ? [] : [{ topic: Topics.outbound, partition, offset }];
      });
      if (offsets.length === 0) return;
      try {
        await this.consumer.commitOffsets(offsets);
      } catch (e) {
        // A rebalance in progress refuses commits; the records are redelivered to their next owner.
        this.opts.logger.warn({ event: 'commit_failed', err: e }, 'offset commit failed');
      }
    });
    return this.committing;
  }

  private onRebalance(): void {
    this.generation++;
    const dropped = this.opts.engine.scheduler.queues.dropPartitions(
      new Set(this.watermarks.keys()),
    );
    if (this.paused.size > 0) {
      this.consumer.resume([{ topic: Topics.outbound, partitions: [...this.paused] }]);
      this.paused.clear();
      this.opts.metrics.pausedPartitions.set(0);
    }
    this.watermarks.clear();
    this.opts.logger.info(
      { event: 'rebalance', generation: this.generation, droppedQueued: dropped.length },
      'partitions reassigned; queued records left to their owners',
    );
  }
}
