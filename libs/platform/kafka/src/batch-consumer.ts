// Consumer-group reader with manual offset commits: a batch's offsets are
// committed only after its handler resolved, so a crash re-delivers (at least
// once). Records that can never be handled go to <topic>.dlq with the reason;
// any other error is treated as transient and the batch is retried.
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { PayloadDecodeError } from './codec';
import type { DurableProducer } from './durable-producer';
import { deadLetterTopic } from './topics';

export class PermanentRecordError extends Error {
  readonly code = 'RECORD_PERMANENTLY_INVALID';
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/** What a batch handler may call while it works: kafkajs sends no heartbeats during a long batch on its own. */
export interface BatchContext {
  heartbeat(): Promise<void>;
}

export interface BatchConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  logger: Logger;
  deadLetters: DurableProducer;
  /** Handles a batch; throw PermanentRecordError (or PayloadDecodeError) per record via `handleRecord` results. */
  handle: (records: ConsumedRecord[], context: BatchContext) => Promise<Array<Error | undefined>>;
  maxBytesPerPartition?: number;
  /** Set after every batch to how far the partition's consumer is behind its high watermark. */
  lag?: { set(labels: { topic: string; partition: string }, value: number): void };
}

/** Runs a handler over batches; per-record permanent failures are dead-lettered, the rest committed. */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private running = false;

  constructor(private readonly opts: BatchConsumerOptions) {
    this.consumer = opts.kafka.consumer({
      groupId: opts.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30000,
      rebalanceTimeout: 30000,
      heartbeatInterval: 3000,
      maxBytesPerPartition: opts.maxBytesPerPartition ?? 1 << 20,
      retry: { retries: 10 },
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.opts.topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const records = batch.messages.map((message) => ({
          topic: batch.topic,
          partition: batch.partition,
          message,
        }));
        const results = await this.opts.handle(records, { heartbeat });
        await this.deadLetter(records, results);
        const last = batch.messages[batch.messages.length - 1];
        await this.consumer.commitOffsets([
          {
            topic: batch.topic,
            partition: batch.partition,
            offset: (BigInt(last.offset) + 1n).toString(),
          },
        ]);
        // kafkajs fetches from its resolved offset, which commitOffsets does not move: without this
        // the same batch is fetched and handled again and again until the next rebalance.
        resolveOffset(last.offset);
        this.opts.lag?.set(
          { topic: batch.topic, partition: String(batch.partition) },
          Number(batch.offsetLag()),
        );
        await heartbeat();
      },
    });
    this.running = true;
  }

  private async deadLetter(
    records: ConsumedRecord[],
    results: Array<Error | undefined>,
  ): Promise<void> {
    const byTopic = new Map<
      string,
      { key: string; value: Buffer; headers: Record<string, string> }[]
    >();
    results.forEach((err, i) => {
      if (!err) return;
      if (!(err instanceof PermanentRecordError || err instanceof PayloadDecodeError)) throw err;
      const { topic, partition, message } = records[i];
      this.opts.logger.warn(
        { event: 'dead_letter', topic, partition, offset: message.offset, reason: err.message },
        'record dead-lettered',
      );
      const list = byTopic.get(topic) ?? [];
      list.push({
        key: message.key?.toString() ?? '',
        value: message.value ?? Buffer.alloc(0),
        headers: {
          'x-postline-dlq-reason': err.message,
          'x-postline-source': `${topic}/${partition}/${message.offset}`,
        },
      });
      byTopic.set(topic, list);
    });
    for (const [topic, list] of byTopic)
      await this.opts.deadLetters.send(deadLetterTopic(topic), list);
  }

  /** Stops fetching, lets the batch in hand finish and commit, then leaves the group. */
  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.disconnect();
  }
}
