// The list feature as one Nest module: REST controllers (lists, subscribers,
// CSV imports, segments, suppressions, GDPR export/erasure, the one-click
// unsubscribe URL and the double opt-in confirmation URL), the gRPC ListService, the engagement consumer on
// mail.events, the services behind them, and the store on the service's
// MongoDB connection. The service wiring (services/list)
// passes its topics, consumer group, limits and signing secret.
import { Module, type DynamicModule } from '@nestjs/common';
import { METRICS } from '@postline/platform/http';
import type { MetricsRegistry } from '@postline/platform/metrics';
import { MONGO_CONNECTION } from '@postline/platform/mongo';
import type { Connection } from 'mongoose';
import { BulkSubscribeService } from './bulk-subscribe.service';
import { ConfirmationService } from './confirm/confirmation.service';
import { CsvImportService } from './import/csv-import.service';
import { DeliveryFeedbackConsumer } from './feedback/delivery-feedback.consumer';
import { FeedbackBatchHandler } from './feedback/feedback-batch.handler';
import { ListGrpcService } from './grpc/list.grpc-service';
import { kafkaEventSinkProvider, ListEventsPublisher } from './list-events.publisher';
import { LIST_FEATURE_OPTIONS, LIST_STORE, type ListFeatureOptions } from './list-feature.options';
import { openListStore } from './list-store';
import { ListMetrics } from './list.metrics';
import { ListsService } from './lists.service';
import { SubscriberPrivacyService } from './privacy/subscriber-privacy.service';
import { RecipientsService } from './recipients.service';
import { ConfirmController } from './rest/confirm.controller';
import { ImportsController } from './rest/imports.controller';
import { ListsController } from './rest/lists.controller';
import { OneClickController } from './rest/one-click.controller';
import { SegmentsController } from './rest/segments.controller';
import { SubscriberPrivacyController } from './rest/subscriber-privacy.controller';
import { SubscribersController } from './rest/subscribers.controller';
import { SuppressionsController } from './rest/suppressions.controller';
import { SegmentsService } from './segment/segments.service';
import { SubscribeService } from './subscribe.service';
import { SubscribersQueryService } from './subscribers-query.service';
import { SuppressionsService } from './suppression/suppressions.service';
import { OneClickService } from './unsubscribe/one-click.service';
import { StreamUpsertService } from './upsert/stream-upsert.service';
import { SubscriberUpsertWriter } from './upsert/subscriber-upsert.writer';
import { UnsubscribeService } from './unsubscribe/unsubscribe.service';

@Module({})
export class ListFeatureModule {
  static register(options: ListFeatureOptions): DynamicModule {
    return {
      module: ListFeatureModule,
      controllers: [
        ListsController,
        SubscribersController,
        SuppressionsController,
        OneClickController,
        ConfirmController,
        SubscriberPrivacyController,
        ImportsController,
        SegmentsController,
      ],
      providers: [
        { provide: LIST_FEATURE_OPTIONS, useValue: options },
        {
          provide: LIST_STORE,
          inject: [MONGO_CONNECTION],
          useFactory: (conn: Connection) => openListStore(conn),
        },
        {
          provide: ListMetrics,
          inject: [METRICS],
          useFactory: (metrics: MetricsRegistry) => new ListMetrics(metrics),
        },
        kafkaEventSinkProvider,
        ListEventsPublisher,
        ListsService,
        SubscribeService,
        BulkSubscribeService,
        SubscribersQueryService,
        RecipientsService,
        ListGrpcService,
        SuppressionsService,
        UnsubscribeService,
        OneClickService,
        ConfirmationService,
        FeedbackBatchHandler,
        DeliveryFeedbackConsumer,
        SubscriberPrivacyService,
        SubscriberUpsertWriter,
        CsvImportService,
        StreamUpsertService,
        SegmentsService,
      ],
    };
  }
}
