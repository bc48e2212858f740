// Wiring of the campaign service: platform pieces plus the campaign feature.
import { Module, type DynamicModule } from '@nestjs/common';
import { CampaignFeatureModule } from '@postline/campaign/feature';
import { GrpcModule } from '@postline/platform/grpc';
import { PlatformModule, type ServiceRuntime } from '@postline/platform/http';
import { KafkaModule, Topics } from '@postline/platform/kafka';
import { MongoModule } from '@postline/platform/mongo';
import type { CampaignConfig } from './config/campaign.config';

@Module({})
export class AppModule {
  static register(runtime: ServiceRuntime<CampaignConfig>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(runtime),
        MongoModule.forRoot({ dbName: runtime.config.POSTLINE_CAMPAIGN_DB }),
        KafkaModule.forRoot({
          clientId: 'postline-campaign',
          topics: [Topics.render, Topics.events],
        }),
        GrpcModule.forRoot(),
        CampaignFeatureModule,
      ],
    };
  }
}
