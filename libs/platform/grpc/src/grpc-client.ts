// Client helpers: a typed client for a generated service, and a readiness probe
// that asks the peer's grpc.health.v1 whether it serves.
import * as grpc from '@grpc/grpc-js';
import { health } from '@postline/contracts';

type ClientCtor<C> = new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: Partial<grpc.ChannelOptions>,
) => C;

export function createGrpcClient<C>(ctor: ClientCtor<C>, address: string): C {
  return new ctor(address, grpc.credentials.createInsecure(), {
    'grpc.keepalive_time_ms': 30000,
    'grpc.max_receive_message_length': 32 * 1024 * 1024,
  });
}

/** Resolves when the peer reports SERVING for `service` ("" for the whole server); rejects otherwise. */
export function checkGrpcHealth(address: string, service = '', deadlineMs = 2000): Promise<void> {
  const client = createGrpcClient(health.HealthClient, address);
  return new Promise<void>((resolve, reject) => {
    client.check(
      { service },
      new grpc.Metadata(),
      { deadline: Date.now() + deadlineMs },
      (err, res) => {
        client.close();
        if (err) return reject(new Error(`gRPC health of ${address} failed: ${err.message}`));
        if (res.status !== health.HealthCheckResponse_ServingStatus.SERVING) {
          return reject(
            new Error(
              `gRPC peer ${address} is ${health.healthCheckResponse_ServingStatusToJSON(res.status)}`,
            ),
          );
        }
        resolve();
      },
    );
  });
}

/** Promisifies a unary call of a ts-proto generated client. */
export function unary<Req, Res>(
  call: (
    req: Req,
    metadata: grpc.Metadata,
    options: Partial<grpc.CallOptions>,
    cb: (err: grpc.ServiceError | null, res: Res) => void,
  ) => grpc.ClientUnaryCall,
  req: Req,
  deadlineMs = 10000,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    call(req, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
  });
}
