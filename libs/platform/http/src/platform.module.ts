// Makes the ServiceRuntime injectable everywhere and mounts the ops endpoints.
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { OpsController } from './ops.controller';
import type { ServiceRuntime } from './service-runtime';
import { CONFIG, LOGGER, METRICS, READINESS, RUNTIME } from './tokens';

@Global()
@Module({})
export class PlatformModule {
  static forRoot(runtime: ServiceRuntime<object>): DynamicModule {
    const providers = [
      { provide: RUNTIME, useValue: runtime },
      { provide: CONFIG, useValue: runtime.config },
      { provide: LOGGER, useValue: runtime.logger },
      { provide: METRICS, useValue: runtime.metrics },
      { provide: READINESS, useValue: runtime.readiness },
    ];
    return { module: PlatformModule, controllers: [OpsController], providers, exports: providers };
  }
}
