// Wiring of the submission service: platform modules plus the submission
// feature (SMTP listeners per RFC 6409, credentials over REST and gRPC).
import { Module, type DynamicModule } from '@nestjs/common';
import { GrpcModule } from '@postline/platform/grpc';
import { PlatformModule, type ServiceRuntime } from '@postline/platform/http';
import { KafkaModule, Topics } from '@postline/platform/kafka';
import { MongoModule } from '@postline/platform/mongo';
import { SubmissionFeatureModule } from '@postline/submission/feature';
import { submissionFeatureSettings, type SubmissionConfig } from './config/submission.config';

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
        SubmissionFeatureModule.forRoot(submissionFeatureSettings(runtime.config)),
      ],
    };
  }
}
