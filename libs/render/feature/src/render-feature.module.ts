// The render feature as one Nest module: template catalogue, gRPC
// RenderService, the mail.render.v1 consumer, operators' REST and metrics.
// Expects the platform modules (config, logger, metrics, MongoDB, Kafka, gRPC).
import { Module, type DynamicModule } from '@nestjs/common';
import { METRICS } from '@postline/platform/http';
import type { MetricsRegistry } from '@postline/platform/metrics';
import { RenderDataAccessModule } from '@postline/render/data-access';
import { RENDER_SETTINGS, type RenderFeatureSettings } from './render-feature.settings';
import { RenderRequestConsumer } from './render-request.consumer';
import { RenderGrpcService } from './render.grpc';
import { RenderMetrics } from './render.metrics';
import { TemplateCatalog } from './template-catalog.service';
import { TemplatesController } from './templates.controller';

@Module({})
export class RenderFeatureModule {
  static forRoot(settings: RenderFeatureSettings): DynamicModule {
    return {
      module: RenderFeatureModule,
      imports: [RenderDataAccessModule],
      controllers: [TemplatesController],
      providers: [
        { provide: RENDER_SETTINGS, useValue: settings },
        {
          provide: RenderMetrics,
          inject: [METRICS],
          useFactory: (m: MetricsRegistry) => new RenderMetrics(m),
        },
        TemplateCatalog,
        RenderGrpcService,
        RenderRequestConsumer,
      ],
    };
  }
}
