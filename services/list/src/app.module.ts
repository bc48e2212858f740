// Wiring of the list service: platform plumbing (config, logs, metrics, probes),
// its own MongoDB database, Kafka (it produces list.events and consumes
// mail.events), the gRPC server, the list feature that serves REST, the
// one-click unsubscribe and confirmation URLs and gRPC ListService, and the
// REST API's OpenAPI document.
import { Module, type DynamicModule } from '@nestjs/common';
import { ListFeatureModule } from '@postline/list/feature';
import { GrpcModule } from '@postline/platform/grpc';
import { PlatformModule, type ServiceRuntime } from '@postline/platform/http';
import { KafkaModule } from '@postline/platform/kafka';
import { MongoModule } from '@postline/platform/mongo';
import type { ListConfig } from './config/list.config';
import { OpenApiController } from './openapi/openapi.controller';

@Module({})
export class AppModule {
  static register(runtime: ServiceRuntime<ListConfig>): DynamicModule {
    const { config } = runtime;
    return {
      module: AppModule,
      controllers: [OpenApiController],
      imports: [
        PlatformModule.forRoot(runtime),
        MongoModule.forRoot({ dbName: config.POSTLINE_LIST_DB }),
        KafkaModule.forRoot({
          clientId: 'postline-list',
          topics: [config.POSTLINE_LIST_EVENTS_TOPIC, config.POSTLINE_LIST_MAIL_EVENTS_TOPIC],
        }),
        GrpcModule.forRoot(),
        ListFeatureModule.register({
          eventsTopic: config.POSTLINE_LIST_EVENTS_TOPIC,
          streamPageSize: config.POSTLINE_LIST_STREAM_PAGE_SIZE,
          mailEventsTopic: config.POSTLINE_LIST_MAIL_EVENTS_TOPIC,
          consumerGroup: config.POSTLINE_LIST_CONSUMER_GROUP,
          softBounceLimit: config.POSTLINE_LIST_SOFT_BOUNCE_LIMIT,
          signingSecret: config.POSTLINE_LIST_SIGNING_SECRET,
          publicBaseUrl: config.POSTLINE_TRACKING_BASE_URL,
          confirmationTtlHours: config.POSTLINE_LIST_CONFIRMATION_TTL_HOURS,
          streamJoin: config.POSTLINE_LIST_STREAM_JOIN,
          importChunkRows: config.POSTLINE_LIST_IMPORT_CHUNK_ROWS,
          importConcurrency: config.POSTLINE_LIST_IMPORT_CONCURRENCY,
          importMaxRowBytes: config.POSTLINE_LIST_IMPORT_MAX_ROW_KB * 1024,
          importMaxReportedErrors: config.POSTLINE_LIST_IMPORT_MAX_REPORTED_ERRORS,
          importProgressIntervalMs: config.POSTLINE_LIST_IMPORT_PROGRESS_INTERVAL_MS,
        }),
      ],
    };
  }
}
