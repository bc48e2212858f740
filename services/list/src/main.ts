// Entry point of the list service: validated config, then Nest.
import { bootService, createRuntime, exitOnBootFailure } from '@postline/platform/http';
import { AppModule } from './app.module';
import { listConfigSchema } from './config/list.config';

const runtime = createRuntime('list', listConfigSchema);
const {
  POSTLINE_BIND_HOST: host,
  POSTLINE_HTTP_PORT: port,
  POSTLINE_SHUTDOWN_GRACE_MS: graceMs,
} = runtime.config;
const jsonBodyLimit = `${runtime.config.POSTLINE_LIST_MAX_BODY_MB}mb`;
bootService(runtime, AppModule.register(runtime), { host, port, graceMs, jsonBodyLimit }).catch(
  exitOnBootFailure('list'),
);
