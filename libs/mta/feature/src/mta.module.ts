// Nest wiring of the MTA feature: builds the route resolver, policies and
// budgets, the DKIM signer, the SMTP dispatcher and the delivery engine from
// validated settings; once the application is up it starts the outbound
// consumer and the retry forwarder. On shutdown the consumers stop fetching,
// deliveries in flight finish (bounded), watermarks are committed, and SMTP
// sessions close last.
import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DkimSigner, DkimSignerPool, type DkimKeyRing } from '@postline/mta/dkim';
import { SmtpDispatcher, type SmtpDispatcherOptions } from '@postline/mta/dispatch';
import type { PolicyBook } from '@postline/mta/policy';
import {
  NextHopResolver,
  dnsWithServers,
  type RouteOverrides,
  type SourcePools,
} from '@postline/mta/routing';
import { BudgetRegistry } from '@postline/mta/throttle';
import { LOGGER, METRICS } from '@postline/platform/http';
import { KafkaRuntime } from '@postline/platform/kafka';
import type { MetricsRegistry } from '@postline/platform/metrics';
import { MONGO_CONNECTION } from '@postline/platform/mongo';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { MtaAdmin } from './admin/mta-admin';
import { MtaAdminController } from './admin/mta-admin.controller';
import { MtaAdminGrpcService } from './admin/mta-admin.grpc';
import { MtaControlStore } from './admin/mta-control.store';
import { DeliveryEngine } from './delivery-engine';
import { createMtaMetrics, type MtaMetrics } from './mta.metrics';
import { OutboundConsumer } from './outbound-consumer';
import { ProduceBatcher } from './produce-batcher';
import { QueueGauges } from './queue-gauges';
import { RetryForwarder } from './retry-forwarder';
import type { RetryTier } from './retry-tiers';

export interface MtaFeatureOptions {
  /** Consumer group on mail.outbound.v1 (postline-mta). */
  consumerGroup: string;
  /** Consumer group of the retry forwarder on mail.retry.v1.* (postline-mta-retry). */
  retryConsumerGroup: string;
  routes: RouteOverrides;
  policies: PolicyBook;
  /** Reads the policy file again (admin reload); the same source as `policies`. */
  loadPolicies(): PolicyBook;
  /** How often operator decisions (overrides, suspensions, bounces) are read from MongoDB. */
  controlSyncMs: number;
  /** A group without committed offsets starts at the beginning (production) or the end (tests). */
  newGroupFromBeginning: boolean;
  retryTiers: RetryTier[];
  dkimKeys?: DkimKeyRing;
  /** Threads that sign DKIM beside the event loop; 0 signs on it. */
  dkimWorkers: number;
  dnsServers: string[];
  sourcePools: SourcePools;
  dnsCacheMs: number;
  smtp: SmtpDispatcherOptions;
  /** Delivery attempts in flight across all destinations. */
  maxInflightDeliveries: number;
  maxBufferedBytesPerPartition: number;
  commitIntervalMs: number;
  maxQueuedPerSlowDestination: number;
  drainTimeoutMs: number;
}

export const MTA_OPTIONS = Symbol('postline.mta.options');

@Injectable()
export class OutboundDeliveryService
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  readonly dispatcher: SmtpDispatcher;
  readonly engine: DeliveryEngine;
  readonly metrics: MtaMetrics;
  private policies: PolicyBook;
  private consumer?: OutboundConsumer;
  private forwarder?: RetryForwarder;
  private readonly gauges: QueueGauges;
  private readonly signer?: DkimSigner | DkimSignerPool;
  private readonly batcher: ProduceBatcher;

  constructor(
    @Inject(MTA_OPTIONS) private readonly opts: MtaFeatureOptions,
    @Inject(KafkaRuntime) private readonly kafka: KafkaRuntime,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) registry: MetricsRegistry,
  ) {
    this.policies = opts.policies;
    this.metrics = createMtaMetrics(registry);
    if (opts.dkimKeys && opts.dkimKeys.size > 0) {
      this.signer =
        opts.dkimWorkers > 0
          ? new DkimSignerPool(opts.dkimKeys, opts.dkimWorkers)
          : new DkimSigner({ keys: opts.dkimKeys });
    }
    this.dispatcher = new SmtpDispatcher(opts.smtp);
    // One batcher for every record the mta writes (events, retries, overflow), so they share produce calls.
    this.batcher = new ProduceBatcher(kafka.producer, { lingerMs: 5, maxRecords: 500 });
    this.engine = new DeliveryEngine({
      maxInflight: opts.maxInflightDeliveries,
      resolver: new NextHopResolver({
        overrides: opts.routes,
        dns: opts.dnsServers.length > 0 ? dnsWithServers(opts.dnsServers) : undefined,
        cacheTtlMs: opts.dnsCacheMs,
      }),
      policies: () => this.policies,
      budgets: new BudgetRegistry({ now: Date.now }),
      dispatcher: this.dispatcher,
      signer: this.signer,
      batcher: this.batcher,
      sourcePools: opts.sourcePools,
      tiers: opts.retryTiers,
      maxQueuedPerSlowKey: opts.maxQueuedPerSlowDestination,
      metrics: this.metrics,
      logger,
      onFinal: (item) => this.consumer?.onFinal(item),
    });
    this.gauges = new QueueGauges(this.engine, this.metrics);
  }

  /** The policies in force (admin API). */
  get policyBook(): PolicyBook {
    return this.policies;
  }

  /** Replaces the policies in force; budgets keep their debt and backoff. */
  applyPolicies(book: PolicyBook): void {
    this.policies = book;
    this.engine.destinations.reapplyPolicies();
    this.engine.scheduler.wake();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.logger.info(
      {
        event: 'mta_config',
        overrides: this.opts.routes.toString() || '(none: MX resolution)',
        ehloName: this.opts.smtp.ehloName,
        policies: this.policies.policies.map((p) => p.name),
        dkimDomains: this.opts.dkimKeys?.domains() ?? [],
        retryTiers: this.opts.retryTiers.map((t) => t.name),
      },
      'MTA configured',
    );
    this.consumer = new OutboundConsumer({
      kafka: this.kafka.kafka,
      groupId: this.opts.consumerGroup,
      logger: this.logger,
      engine: this.engine,
      batcher: this.batcher,
      metrics: this.metrics,
      maxBufferedBytesPerPartition: this.opts.maxBufferedBytesPerPartition,
      commitIntervalMs: this.opts.commitIntervalMs,
      fromBeginning: this.opts.newGroupFromBeginning,
      lag: this.kafka.lagGauge,
    });
    this.forwarder = new RetryForwarder({
      kafka: this.kafka.kafka,
      groupId: this.opts.retryConsumerGroup,
      tiers: this.opts.retryTiers,
      producer: this.kafka.producer,
      logger: this.logger,
      metrics: this.metrics,
      fromBeginning: this.opts.newGroupFromBeginning,
    });
    this.kafka.adopt(this.consumer);
    this.kafka.adopt(this.forwarder);
    await this.consumer.start();
    await this.forwarder.start();
    this.gauges.start();
  }

  // Runs before KafkaModule stops the producer: outcomes of the last deliveries must still be written.
  async beforeApplicationShutdown(): Promise<void> {
    this.gauges.stop();
    await this.forwarder?.stop();
    await this.consumer?.stop(this.opts.drainTimeoutMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.close();
    if (this.signer instanceof DkimSignerPool) await this.signer.close();
  }
}

/** Reads operator decisions before the first delivery, and keeps reading them. */
@Injectable()
class AdminLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(MtaAdmin) private readonly admin: MtaAdmin) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.admin.start();
  }

  beforeApplicationShutdown(): void {
    this.admin.stop();
  }
}

@Module({})
export class MtaModule {
  static register(options: MtaFeatureOptions): DynamicModule {
    return {
      module: MtaModule,
      controllers: [MtaAdminController],
      providers: [
        { provide: MTA_OPTIONS, useValue: options },
        OutboundDeliveryService,
        {
          provide: MtaAdmin,
          inject: [OutboundDeliveryService, MONGO_CONNECTION, LOGGER],
          useFactory: (delivery: OutboundDeliveryService, conn: Connection, logger: Logger) =>
            new MtaAdmin({
              engine: delivery.engine,
              store: new MtaControlStore(conn),
              loadBasePolicies: options.loadPolicies,
              applyPolicies: (book) => delivery.applyPolicies(book),
              logger,
              syncIntervalMs: options.controlSyncMs,
            }),
        },
        AdminLifecycle,
        MtaAdminGrpcService,
      ],
      exports: [OutboundDeliveryService, MtaAdmin],
    };
  }
}
