// Entry point of the mta service: validated config, then Nest.
import { ConfigValidationError } from '@postline/platform/config';
import {
  bootOptionsFrom,
  bootService,
  createRuntime,
  exitOnBootFailure,
} from '@postline/platform/http';
import { AppModule } from './app.module';
import { mtaConfigSchema, mtaFeatureOptions } from './config/mta.config';

const runtime = createRuntime('mta', mtaConfigSchema);

function featureOptions() {
  try {
    return mtaFeatureOptions(runtime.config);
  } catch (e) {
    if (!(e instanceof ConfigValidationError)) throw e;
    process.stderr.write(`postline-mta: ${e.message}\n`);
    process.exit(78);
  }
}

bootService(
  runtime,
  AppModule.register(runtime, featureOptions()),
  bootOptionsFrom(runtime.config),
).catch(exitOnBootFailure('mta'));
