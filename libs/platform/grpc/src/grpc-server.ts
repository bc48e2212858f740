// gRPC server bootstrap shared by every service: the service's own contracts,
// grpc.health.v1 and server reflection (so grpcurl works without .proto files).
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { health, protoRoot, serviceProtoFiles } from '@postline/contracts';
import type { Logger } from 'pino';
import { HealthRegistry } from './health-service';

export interface GrpcServiceBinding {
  /** Full service name, e.g. postline.list.v1.ListService (used for health). */
  name: string;
  definition: grpc.ServiceDefinition;
  implementation: grpc.UntypedServiceImplementation;
  /** The .proto file, relative to proto/, served through reflection. */
  protoFile: string;
}

export interface GrpcServerOptions {
  host: string;
  port: number;
  services: GrpcServiceBinding[];
  logger: Logger;
}

export interface RunningGrpcServer {
  readonly port: number;
  readonly health: HealthRegistry;
  /** Stops taking calls, waits for in-flight calls up to graceMs, then forces. */
  shutdown(graceMs: number): Promise<void>;
}

export async function startGrpcServer(opts: GrpcServerOptions): Promise<RunningGrpcServer> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 32 * 1024 * 1024 });
  const registry = new HealthRegistry();
  server.addService(health.HealthService, registry.implementation());
  for (const s of opts.services) {
    server.addService(s.definition, s.implementation);
    registry.setServing(s.name, false);
  }
  const files = [serviceProtoFiles.health, ...opts.services.map((s) => s.protoFile)];
  const packageDefinition = protoLoader.loadSync(files, {
    includeDirs: [protoRoot()],
    keepCase: true,
  });
  new ReflectionService(packageDefinition).addToServer(server);

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${opts.host}:${opts.port}`,
      grpc.ServerCredentials.createInsecure(),
      (err, bound) => (err ? reject(err) : resolve(bound)),
    ),
  );
  opts.logger.info(
    { event: 'grpc_listening', port, services: opts.services.map((s) => s.name) },
    'gRPC server listening',
  );

  return {
    port,
    health: registry,
    shutdown: async (graceMs) => {
      registry.setAll(false);
      registry.endWatches();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
