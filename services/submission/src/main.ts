// Entry point of the submission service: validated config, then Nest.
import {
  bootOptionsFrom,
  bootService,
  createRuntime,
  exitOnBootFailure,
} from '@postline/platform/http';
import { AppModule } from './app.module';
import { submissionConfigSchema } from './config/submission.config';

const runtime = createRuntime('submission', submissionConfigSchema);
bootService(runtime, AppModule.register(runtime), bootOptionsFrom(runtime.config)).catch(
  exitOnBootFailure('submission'),
);
