// Entry point of the campaign service: validated config, then Nest.
import { bootService, createRuntime, exitOnBootFailure } from '@postline/platform/http';
import { AppModule } from './app.module';
import { campaignConfigSchema } from './config/campaign.config';

const runtime = createRuntime('campaign', campaignConfigSchema);
const {
  POSTLINE_BIND_HOST: host,
  POSTLINE_HTTP_PORT: port,
  POSTLINE_SHUTDOWN_GRACE_MS: graceMs,
} = runtime.config;
bootService(runtime, AppModule.register(runtime), { host, port, graceMs }).catch(
  exitOnBootFailure('campaign'),
);
