// Entry point of the render service: validated config, then Nest.
import { bootService, createRuntime, exitOnBootFailure } from '@postline/platform/http';
import { AppModule } from './app.module';
import { renderConfigSchema } from './config/render.config';

const runtime = createRuntime('render', renderConfigSchema);
const {
  POSTLINE_BIND_HOST: host,
  POSTLINE_HTTP_PORT: port,
  POSTLINE_SHUTDOWN_GRACE_MS: graceMs,
} = runtime.config;
bootService(runtime, AppModule.register(runtime), { host, port, graceMs }).catch(
  exitOnBootFailure('render'),
);
