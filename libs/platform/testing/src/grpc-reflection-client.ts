// Asks a server's gRPC reflection service which services it offers — what
// grpcurl does first — so scenarios can prove reflection works.
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

interface ReflectionResponse {
  list_services_response?: { service: Array<{ name: string }> };
  error_response?: { error_message: string };
}

export async function listServicesByReflection(
  address: string,
  timeoutMs = 5000,
): Promise<string[]> {
  const protoFile = path.join(
    path.dirname(require.resolve('@grpc/reflection/package.json')),
    'build/proto/grpc/reflection/v1/reflection.proto',
  );
  const def = protoLoader.loadSync(protoFile, { keepCase: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    grpc: {
      reflection: {
        v1: {
          ServerReflection: new (
            addr: string,
            creds: grpc.ChannelCredentials,
          ) => grpc.Client & Record<string, unknown>;
        };
      };
    };
  };
  const client = new pkg.grpc.reflection.v1.ServerReflection(
    address,
    grpc.credentials.createInsecure(),
  );
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const call = (
        client.ServerReflectionInfo as (
          opts: grpc.CallOptions,
        ) => grpc.ClientDuplexStream<unknown, ReflectionResponse>
      )({ deadline: Date.now() + timeoutMs });
      call.on('data', (res: ReflectionResponse) => {
        if (res.error_response) reject(new Error(res.error_response.error_message));
        else resolve((res.list_services_response?.service ?? []).map((s) => s.name).sort());
        call.end();
      });
      call.on('error', reject);
      call.write({ list_services: '' });
    });
  } finally {
    client.close();
  }
}
