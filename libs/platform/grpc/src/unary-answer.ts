// How every Postline gRPC server answers a unary call: run the handler on the
// request (a synchronous throw counts as a failure too) and send its result, or
// the status the service's own error mapping gives the failure.
import type { sendUnaryData, ServerUnaryCall, ServiceError, StatusObject } from '@grpc/grpc-js';

export type ToGrpcStatus = (e: unknown) => Partial<StatusObject> | Partial<ServiceError>;

export function answerUnary<Req, Res>(
  call: ServerUnaryCall<Req, Res>,
  callback: sendUnaryData<Res>,
  handler: (req: Req) => Promise<Res>,
  toStatus: ToGrpcStatus,
): void {
  Promise.resolve()
    .then(() => handler(call.request))
    .then(
      (res) => callback(null, res),
      (e: unknown) => callback(toStatus(e)),
    );
}
