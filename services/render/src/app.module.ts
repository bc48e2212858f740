// Wiring of the render service: platform modules (MongoDB database
// postline_render, Kafka topics mail.render.v1 in and mail.outbound.v1 out,
// gRPC server) and the render feature.
import { Module, type DynamicModule } from '@nestjs/common';
import { GrpcModule } from '@postline/platform/grpc';
import { PlatformModule, type ServiceRuntime } from '@postline/platform/http';
import { KafkaModule, Topics } from '@postline/platform/kafka';
import { MongoModule } from '@postline/platform/mongo';
import { RenderFeatureModule } from '@postline/render/feature';
import type { RenderConfig } from './config/render.config';

@Module({})
export class AppModule {
  static register(runtime: ServiceRuntime<RenderConfig>): DynamicModule {
    const { config } = runtime;
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(runtime),
        MongoModule.forRoot({ dbName: config.POSTLINE_RENDER_DB }),
        KafkaModule.forRoot({
          clientId: 'postline-render',
          topics: [Topics.render, Topics.outbound],
        }),
        GrpcModule.forRoot(),
        RenderFeatureModule.forRoot({
          consumerGroup: config.POSTLINE_RENDER_CONSUMER_GROUP,
          templateCacheSize: config.POSTLINE_RENDER_TEMPLATE_CACHE_SIZE,
          maxPartBytes: config.POSTLINE_RENDER_MAX_PART_BYTES,
          mjml: {
            maxSourceBytes: config.POSTLINE_RENDER_MJML_MAX_BYTES,
            timeoutMs: config.POSTLINE_RENDER_MJML_TIMEOUT_MS,
          },
          compliance: {
            signingSecret: config.POSTLINE_RENDER_SIGNING_SECRET,
            trackingBaseUrl: config.POSTLINE_TRACKING_BASE_URL,
            bounceDomain: config.POSTLINE_RENDER_BOUNCE_DOMAIN,
            unsubscribeMailtoDomain: config.POSTLINE_RENDER_UNSUBSCRIBE_MAILTO_DOMAIN,
          },
          tracking: config.POSTLINE_RENDER_TRACKING,
        }),
      ],
    };
  }
}
