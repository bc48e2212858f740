// Wiring of the submission service. The SMTP listeners (RFC 6409) land here as
// a feature library; until then the service boots with its dependencies so
// that deployment, probes and metrics are in place.
import { Module, type DynamicModule } from '@nestjs/common';
import { GrpcModule } from '@postline/platform/grpc';
import { PlatformModule, type ServiceRuntime } from '@postline/platform/http';
import { KafkaModule, Topics } from '@postline/platform/kafka';
import { MongoModule } from '@postline/platform/mongo';
import type { SubmissionConfig } from './config/submission.config';

@Module({})
export class AppModule {
  static register(runtime: ServiceRuntime<SubmissionConfig>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(runtime),
        MongoModule.forRoot({ dbName: runtime.config.POSTLINE_SUBMISSION_DB }),
        KafkaModule.forRoot({
          clientId: 'postline-submission',
          topics: [Topics.outbound, Topics.events],
        }),
        GrpcModule.forRoot(),
      ],
    };
  }
}
