// The only way Postline writes to Kafka: idempotent producer, acks from all
// in-sync replicas. send() resolves only once the records are durable, so callers
// acknowledge their own input (SMTP 250, offset commit, HTTP 2xx) after it.
import { CompressionTypes, Partitioners, type Kafka, type Producer, type IHeaders } from 'kafkajs';

export interface OutgoingRecord {
  key: string;
  value: Buffer;
  headers?: IHeaders;
}

export class DurableProducer {
  private readonly producer: Producer;
  private connected = false;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async send(topic: string, records: OutgoingRecord[], timeoutMs = 30000): Promise<void> {
    if (records.length === 0) return;
    await this.producer.send({
      topic,
      acks: -1,
      timeout: timeoutMs,
      compression: CompressionTypes.None,
      messages: records,
    });
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await this.producer.disconnect();
  }
}
