// Entry point of the render service: validated config, then Nest.
import {
  bootOptionsFrom,
  bootService,
  createRuntime,
  exitOnBootFailure,
} from '@postline/platform/http';
import { AppModule } from './app.module';
import {
  assertRenderConfigSafe,
  renderConfigSchema,
  saveBodyLimitBytes,
} from './config/render.config';

const runtime = createRuntime('render', renderConfigSchema);
// A template save carries up to three parts and an MJML source; the default
// 100 KB JSON limit would refuse most MJML before the service could explain why.
const jsonBodyLimit = `${saveBodyLimitBytes(runtime.config)}b`;
Promise.resolve()
  .then(() => assertRenderConfigSafe(runtime.config))
  .then(() =>
    bootService(
      runtime,
      AppModule.register(runtime),
      bootOptionsFrom(runtime.config, { jsonBodyLimit }),
    ),
  )
  .catch(exitOnBootFailure('render'));
