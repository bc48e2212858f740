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
  .catch(exitOnBootFailure('list'));
