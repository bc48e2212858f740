// Wiring of the mta service: platform plumbing (HTTP probes and metrics,
// MongoDB, Kafka, gRPC health) plus the MTA feature that consumes
// mail.outbound.v1, delivers over SMTP and produces mail.events.v1.
import { Module, type DynamicModule } from '@nestjs/common';
import { MtaModule, retryTopic, type MtaFeatureOptions } from '@postline/mta/feature';
import { GrpcModule } from '@postline/platform/grpc';
import { PlatformModule, type ServiceRuntime } from '@postline/platform/http';
import { KafkaModule, Topics } from '@postline/platform/kafka';
import { MongoModule } from '@postline/platform/mongo';
import type { MtaConfig } from './config/mta.config';

@Module({})
export class AppModule {
  static register(runtime: ServiceRuntime<MtaConfig>, mta: MtaFeatureOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(runtime),
        MongoModule.forRoot({ dbName: runtime.config.POSTLINE_MTA_DB }),
        KafkaModule.forRoot({
          clientId: 'postline-mta',
          topics: [Topics.outbound, Topics.events, ...mta.retryTiers.map(retryTopic)],
        }),
        GrpcModule.forRoot(),
        MtaModule.register(mta),
      ],
    };
  }
}
