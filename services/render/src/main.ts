// Entry point of the render service: validated config, then Nest.
import {
  bootOptionsFrom,
  bootService,
  createRuntime,
  exitOnBootFailure,
} from '@postline/platform/http';
import { AppModule } from './app.module';
import { assertRenderConfigSafe, renderConfigSchema } from './config/render.config';

const runtime = createRuntime('render', renderConfigSchema);
Promise.resolve()
  .then(() => assertRenderConfigSafe(runtime.config))
  .then(() => bootService(runtime, AppModule.register(runtime), bootOptionsFrom(runtime.config)))
  .catch(exitOnBootFailure('render'));
