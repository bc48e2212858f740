// One table from the list catalogue's codes to each transport's status, so
// REST and gRPC callers get the same verdict for the same failure.
import { status as GrpcStatus } from '@grpc/grpc-js';
import { ListErrorCode, type ListErrorCode as Code } from '@postline/list/domain';

const TABLE: Record<Code, { http: number; grpc: GrpcStatus }> = {
  [ListErrorCode.InvalidEmail]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.InvalidName]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.InvalidAttributes]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.InvalidRow]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.UnknownField]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.InvalidId]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.InvalidCursor]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.InvalidTenant]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.DuplicateInBatch]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.NotFound]: { http: 404, grpc: GrpcStatus.NOT_FOUND },
  [ListErrorCode.AlreadySubscribed]: { http: 409, grpc: GrpcStatus.ALREADY_EXISTS },
  [ListErrorCode.PreviouslyUnsubscribed]: { http: 409, grpc: GrpcStatus.FAILED_PRECONDITION },
  [ListErrorCode.WriteFailed]: { http: 500, grpc: GrpcStatus.INTERNAL },
  [ListErrorCode.EventsUnavailable]: { http: 503, grpc: GrpcStatus.UNAVAILABLE },
  [ListErrorCode.InvalidDomain]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.InvalidReason]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.InvalidSuppression]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.InvalidToken]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.TokenRejected]: { http: 403, grpc: GrpcStatus.PERMISSION_DENIED },
  [ListErrorCode.TokenExpired]: { http: 410, grpc: GrpcStatus.FAILED_PRECONDITION },
  [ListErrorCode.TokenSuperseded]: { http: 410, grpc: GrpcStatus.FAILED_PRECONDITION },
  [ListErrorCode.AlreadyConfirmed]: { http: 409, grpc: GrpcStatus.ALREADY_EXISTS },
  [ListErrorCode.NotConfirmable]: { http: 409, grpc: GrpcStatus.FAILED_PRECONDITION },
  [ListErrorCode.InvalidUnsubscribeBody]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.AddressErased]: { http: 409, grpc: GrpcStatus.FAILED_PRECONDITION },
  [ListErrorCode.EraseRequired]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.InvalidConsent]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.InvalidCsvRow]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.InvalidUtf8]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.DuplicateInFile]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.InvalidMapping]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.MissingColumn]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.InvalidCsv]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.UnsupportedContentType]: { http: 415, grpc: GrpcStatus.INVALID_ARGUMENT },
  [ListErrorCode.UploadInterrupted]: { http: 400, grpc: GrpcStatus.CANCELLED },
  [ListErrorCode.InvalidSegment]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
};

export function httpStatusOf(code: Code): number {
  return TABLE[code].http;
}

export function grpcStatusOf(code: Code): GrpcStatus {
  return TABLE[code].grpc;
}
