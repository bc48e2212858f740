// Entry point of the list service: validated config, then Nest.
import {
  bootOptionsFrom,
  bootService,
  createRuntime,
  exitOnBootFailure,
} from '@postline/platform/http';
import { AppModule } from './app.module';
import { assertListConfigSafe, listConfigSchema } from './config/list.config';

const runtime = createRuntime('list', listConfigSchema);
const jsonBodyLimit = `${runtime.config.POSTLINE_LIST_MAX_BODY_MB}mb`;
Promise.resolve()
  .then(() => assertListConfigSafe(runtime.config))
  .then(() =>
    bootService(
      runtime,
      AppModule.register(runtime),
      bootOptionsFrom(runtime.config, { jsonBodyLimit }),
    ),
  )
  .then((app) => {
    // A CSV upload is read only as fast as it is imported, which can take longer
    // than Node's default of 300 s to receive a whole request.
    const server = app.getHttpServer() as import('node:http').Server;
    server.requestTimeout = runtime.config.POSTLINE_LIST_REQUEST_TIMEOUT_S * 1000;
  })
  .catch(exitOnBootFailure('list'));
