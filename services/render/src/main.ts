// Entry point of the render service: validated config, then Nest.
import {
  bootOptionsFrom,
  bootService,
  createRuntime,
  exitOnBootFailure,
} from '@postline/platform/http';
import { AppModule } from './app.module';
import { renderConfigSchema } from './config/render.config';

const runtime = createRuntime('render', renderConfigSchema);
bootService(runtime, AppModule.register(runtime), bootOptionsFrom(runtime.config)).catch(
  exitOnBootFailure('render'),
);
