// Thin Nest wiring for KafkaRuntime: connects on boot (creating the service's
// topics), reports to /readyz, and on shutdown stops consumers before the HTTP
// server closes and the producer after it.
import {
  Global,
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  CONFIG,
  LOGGER,
  METRICS,
  READINESS,
  type ReadinessRegistry,
} from '@postline/platform/http';
import type { MetricsRegistry } from '@postline/platform/metrics';
import type { Logger } from 'pino';
import { KafkaRuntime } from './kafka-runtime';

interface KafkaSettings {
  POSTLINE_KAFKA_BROKERS: string[];
  POSTLINE_KAFKA_TOPIC_PARTITIONS: number;
  POSTLINE_KAFKA_REPLICATION_FACTOR: number;
}

@Injectable()
class KafkaLifecycle implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(@Inject(KafkaRuntime) private readonly kafka: KafkaRuntime) {}
  async beforeApplicationShutdown(): Promise<void> {
    await this.kafka.stopConsumers();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.kafka.stop();
  }
}

@Global()
@Module({})
export class KafkaModule {
  static forRoot({ clientId, topics }: { clientId: string; topics: string[] }): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        {
          provide: KafkaRuntime,
          inject: [CONFIG, LOGGER, READINESS, METRICS],
          useFactory: async (
            config: KafkaSettings,
            logger: Logger,
            readiness: ReadinessRegistry,
            metrics: MetricsRegistry,
          ) => {
            const runtime = new KafkaRuntime({
              brokers: config.POSTLINE_KAFKA_BROKERS,
              clientId,
              logger,
              topics,
              partitions: config.POSTLINE_KAFKA_TOPIC_PARTITIONS,
              replicationFactor: config.POSTLINE_KAFKA_REPLICATION_FACTOR,
              metrics,
            });
            await runtime.start();
            readiness.add('kafka', () => runtime.check());
            return runtime;
          },
        },
        KafkaLifecycle,
      ],
      exports: [KafkaRuntime],
    };
  }
}
