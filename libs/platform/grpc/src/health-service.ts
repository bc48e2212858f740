// grpc.health.v1 for every service: "" is the whole server, and each gRPC
// service registers under its full name. Readiness changes are pushed to
// Watch subscribers so that probes and load balancers see them at once.
import { status as GrpcStatus, type ServerWritableStream } from '@grpc/grpc-js';
import { health } from '@postline/contracts';

const { HealthCheckResponse_ServingStatus: ServingStatus } = health;
type ServingStatus = health.HealthCheckResponse_ServingStatus;

export class HealthRegistry {
  private readonly statuses = new Map<string, ServingStatus>([['', ServingStatus.NOT_SERVING]]);
  private readonly watchers = new Map<
    string,
    Set<ServerWritableStream<health.HealthCheckRequest, health.HealthCheckResponse>>
  >();

  setServing(service: string, serving: boolean): void {
    const status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    if (this.statuses.get(service) === status) return;
    this.statuses.set(service, status);
    for (const call of this.watchers.get(service) ?? []) call.write({ status });
  }

  /** Marks the server and every registered service as serving or not. */
  setAll(serving: boolean): void {
    for (const service of [...this.statuses.keys()]) this.setServing(service, serving);
  }

  statusOf(service: string): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  implementation(): health.HealthServer {
    return {
      check: (call, callback) => {
        const status = this.statuses.get(call.request.service);
        if (status === undefined) {
          callback({
            code: GrpcStatus.NOT_FOUND,
            details: `unknown service "${call.request.service}"`,
          });
          return;
        }
        callback(null, { status });
      },
      watch: (call) => {
        const service = call.request.service;
        call.write({ status: this.statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN });
        const set = this.watchers.get(service) ?? new Set();
        set.add(call);
        this.watchers.set(service, set);
        call.on('cancelled', () => set.delete(call));
        call.on('close', () => set.delete(call));
      },
    };
  }

  /** Ends every Watch stream, so that a server can shut down without waiting on them. */
  endWatches(): void {
    for (const set of this.watchers.values()) {
      for (const call of set) call.end();
      set.clear();
    }
  }
}
