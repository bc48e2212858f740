// Nest wiring of the MTA feature: builds the next-hop resolver, the SMTP
// dispatcher and the batch handler from validated settings, starts consuming
// mail.outbound.v1 once the application is up, and closes SMTP pools last.
import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SmtpDispatcher, type SmtpDispatcherOptions } from '@postline/mta/dispatch';
import { NextHopResolver, type RouteOverrides } from '@postline/mta/routing';
import { LOGGER, METRICS } from '@postline/platform/http';
import { KafkaRuntime, Topics } from '@postline/platform/kafka';
import type { MetricsRegistry } from '@postline/platform/metrics';
import type { Logger } from 'pino';
import type { DeferRetryPolicy } from './message-delivery';
import { createMtaMetrics } from './mta.metrics';
import { OutboundBatchHandler } from './outbound-batch.handler';

export interface MtaFeatureOptions {
  /** Consumer group on mail.outbound.v1 (postline-mta). */
  consumerGroup: string;
  routes: RouteOverrides;
  smtp: SmtpDispatcherOptions;
  /** Delivery attempts in flight across all routing keys. */
  maxInflightDeliveries: number;
  retry: DeferRetryPolicy;
}

export const MTA_OPTIONS = Symbol('postline.mta.options');

@Injectable()
export class OutboundDeliveryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly dispatcher: SmtpDispatcher;

  constructor(
    @Inject(MTA_OPTIONS) private readonly opts: MtaFeatureOptions,
    @Inject(KafkaRuntime) private readonly kafka: KafkaRuntime,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: MetricsRegistry,
  ) {
    this.dispatcher = new SmtpDispatcher(opts.smtp);
  }

  async onApplicationBootstrap(): Promise<void> {
    const handler = new OutboundBatchHandler({
      resolver: new NextHopResolver({ overrides: this.opts.routes }),
      dispatcher: this.dispatcher,
      events: this.kafka.producer,
      logger: this.logger,
      metrics: createMtaMetrics(this.metrics),
      maxInflight: this.opts.maxInflightDeliveries,
      perKeyConcurrency: this.opts.smtp.maxConnectionsPerHop,
      retry: this.opts.retry,
    });
    this.logger.info(
      {
        event: 'mta_routes',
        overrides: this.opts.routes.toString() || '(none: MX resolution)',
        ehloName: this.opts.smtp.ehloName,
      },
      'MTA routing configured',
    );
    await this.kafka.runConsumer({
      groupId: this.opts.consumerGroup,
      topics: [Topics.outbound],
      handle: (records, batch) => handler.handle(records, batch),
    });
  }

  // Consumers stop (finishing the batch in hand) in KafkaModule's beforeApplicationShutdown, so no delivery is running here.
  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.close();
  }
}

@Module({})
export class MtaModule {
  static register(options: MtaFeatureOptions): DynamicModule {
    return {
      module: MtaModule,
      providers: [{ provide: MTA_OPTIONS, useValue: options }, OutboundDeliveryService],
    };
  }
}
