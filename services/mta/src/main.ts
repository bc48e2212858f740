// Entry point of the mta service: validated config, then Nest.
import { ConfigValidationError } from '@postline/platform/config';
import { bootService, createRuntime, exitOnBootFailure } from '@postline/platform/http';
import { AppModule } from './app.module';
import { mtaConfigSchema, mtaFeatureOptions } from './config/mta.config';

const runtime = createRuntime('mta', mtaConfigSchema);
const {
  POSTLINE_BIND_HOST: host,
  POSTLINE_HTTP_PORT: port,
  POSTLINE_SHUTDOWN_GRACE_MS: graceMs,
} = runtime.config;

function featureOptions() {
  try {
    return mtaFeatureOptions(runtime.config);
  } catch (e) {
    if (!(e instanceof ConfigValidationError)) throw e;
    process.stderr.write(`postline-mta: ${e.message}\n`);
    process.exit(78);
  }
}

bootService(runtime, AppModule.register(runtime, featureOptions()), { host, port, graceMs }).catch(
  exitOnBootFailure('mta'),
);
