// The Kafka side of a service process: one client, one durable producer, the
// topics it needs created on boot, and the consumers it runs. Stopping order on
// shutdown: consumers first (finish and commit the batch in hand), producer last.
import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { MetricsRegistry } from '@postline/platform/metrics';
import { BatchConsumer, type BatchConsumerOptions } from './batch-consumer';
import { DurableProducer } from './durable-producer';
import { createKafka, ensureTopics, type TopicSpec } from './kafka-client';
import { deadLetterTopic } from './topics';

export interface KafkaRuntimeOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Topics this service produces to or consumes; created when missing. */
  topics: string[];
  partitions: number;
  replicationFactor: number;
  /** Registry for the consumer lag gauge (postline_<service>_kafka_consumer_lag_messages). */
  metrics?: MetricsRegistry;
}

export class KafkaRuntime {
  readonly kafka: Kafka;
  readonly producer: DurableProducer;
  private readonly admin: Admin;
  private readonly consumers: BatchConsumer[] = [];
  /** Consumers a feature runs and stops itself, watched here for readiness only. */
  private readonly watched: Array<{ readonly isRunning: boolean }> = [];
  private lastClusterCheck = 0;
  private readonly lag?: BatchConsumerOptions['lag'];

  constructor(private readonly opts: KafkaRuntimeOptions) {
    this.kafka = createKafka(opts);
    this.producer = new DurableProducer(this.kafka);
    this.lag = opts.metrics?.gauge(
      'kafka_consumer_lag_messages',
      'Records between the last handled offset and the high watermark, per partition this process consumes',
      ['topic', 'partition'],
    );
    this.admin = this.kafka.admin();
  }

  async start(): Promise<void> {
    await this.admin.connect();
    const specs: TopicSpec[] = this.opts.topics.flatMap((topic) => [
      {
        topic,
        numPartitions: this.opts.partitions,
        replicationFactor: this.opts.replicationFactor,
      },
      {
        topic: deadLetterTopic(topic),
        numPartitions: 1,
        replicationFactor: this.opts.replicationFactor,
      },
    ]);
    await ensureTopics(this.admin, specs);
    await this.producer.connect();
    this.opts.logger.info({ event: 'kafka_ready', topics: this.opts.topics }, 'Kafka connected');
  }

  /** Starts a consumer in a group; it is stopped by stopConsumers(). */
  async runConsumer(
    options: Omit<BatchConsumerOptions, 'kafka' | 'deadLetters' | 'logger'>,
  ): Promise<BatchConsumer> {
    const consumer = new BatchConsumer({
      ...options,
      kafka: this.kafka,
      deadLetters: this.producer,
      logger: this.opts.logger,
      lag: this.lag,
    });
    this.consumers.push(consumer);
    await consumer.start();
    return consumer;
  }

  /** Includes a feature's own consumer in readiness; the feature starts and stops it. */
  adopt(consumer: { readonly isRunning: boolean }): void {
    this.watched.push(consumer);
  }

  /** The consumer lag gauge, for consumers a feature runs itself. */
  get lagGauge(): BatchConsumerOptions['lag'] {
    return this.lag;
  }

  /** Readiness: producer connected, consumers running, and the cluster answering (checked at most every 5 s). */
  async check(): Promise<void> {
    if (!this.producer.isConnected) throw new Error('Kafka producer not connected');
    if ([...this.consumers, ...this.watched].some((c) => !c.isRunning))
      throw new Error('a Kafka consumer is not running');
    if (Date.now() - this.lastClusterCheck > 5000) {
      await this.admin.describeCluster();
      this.lastClusterCheck = Date.now();
    }
  }

  async stopConsumers(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
  }

  async stop(): Promise<void> {
    await this.stopConsumers();
    await this.producer.disconnect();
    await this.admin.disconnect();
  }
}
