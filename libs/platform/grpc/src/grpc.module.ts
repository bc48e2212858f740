// Thin Nest wiring for the gRPC server: features register their service
// implementations, the server starts once the application has booted, and
// shutdown stops intake before the rest of the service closes.
import {
  Global,
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CONFIG, LOGGER, READINESS, type ReadinessRegistry } from '@postline/platform/http';
import type { Logger } from 'pino';
import { startGrpcServer, type GrpcServiceBinding, type RunningGrpcServer } from './grpc-server';

interface GrpcSettings {
  POSTLINE_GRPC_PORT: number;
  POSTLINE_BIND_HOST: string;
  POSTLINE_SHUTDOWN_GRACE_MS: number;
}

/** Collects service bindings from features before the server starts. */
@Injectable()
export class GrpcServices implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly bindings: GrpcServiceBinding[] = [];
  private server?: RunningGrpcServer;

  constructor(
    @Inject(CONFIG) private readonly config: GrpcSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(READINESS) private readonly readiness: ReadinessRegistry,
  ) {}

  register(binding: GrpcServiceBinding): void {
    if (this.server)
      throw new Error(`gRPC service ${binding.name} registered after the server started`);
    this.bindings.push(binding);
  }

  get port(): number | undefined {
    return this.server?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.server = await startGrpcServer({
      host: this.config.POSTLINE_BIND_HOST,
      port: this.config.POSTLINE_GRPC_PORT,
      services: this.bindings,
      logger: this.logger,
    });
    const server = this.server;
    // gRPC health mirrors /readyz, refreshed every 2 s.
    const refresh = async () => {
      const { ready } = await this.readiness.report();
      server.health.setAll(ready);
    };
    await refresh();
    this.timer = setInterval(() => void refresh().catch(() => undefined), 2000);
    this.timer.unref();
  }
  private timer?: NodeJS.Timeout;

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.server?.shutdown(this.config.POSTLINE_SHUTDOWN_GRACE_MS);
  }
}

@Global()
@Module({})
export class GrpcModule {
  static forRoot(): DynamicModule {
    return { module: GrpcModule, providers: [GrpcServices], exports: [GrpcServices] };
  }
}
