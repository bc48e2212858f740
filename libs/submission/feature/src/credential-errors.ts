// The catalogue of credential-management refusals, with one table from each
// code to its HTTP and gRPC status, so REST and gRPC callers get the same
// verdict for the same failure.
import { status as GrpcStatus } from '@grpc/grpc-js';

export const CredentialErrorCode = {
  Exists: 'CREDENTIAL_EXISTS',
  NotFound: 'CREDENTIAL_NOT_FOUND',
  InvalidField: 'INVALID_CREDENTIAL_FIELD',
} as const;
export type CredentialErrorCode = (typeof CredentialErrorCode)[keyof typeof CredentialErrorCode];

const TABLE: Record<CredentialErrorCode, { http: number; grpc: GrpcStatus }> = {
  [CredentialErrorCode.Exists]: { http: 409, grpc: GrpcStatus.ALREADY_EXISTS },
  [CredentialErrorCode.NotFound]: { http: 404, grpc: GrpcStatus.NOT_FOUND },
  [CredentialErrorCode.InvalidField]: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
};

export class CredentialError extends Error {
  constructor(
    readonly code: CredentialErrorCode,
    message: string,
    /** The request field at fault, for INVALID_CREDENTIAL_FIELD. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'CredentialError';
  }

  get httpStatus(): number {
    return TABLE[this.code].http;
  }

  get grpcStatus(): GrpcStatus {
    return TABLE[this.code].grpc;
  }
}

export function credentialExists(username: string): CredentialError {
  return new CredentialError(
    CredentialErrorCode.Exists,
    `a credential named ${username} already exists`,
  );
}

export function credentialNotFound(username: string): CredentialError {
  return new CredentialError(CredentialErrorCode.NotFound, `no credential named ${username}`);
}
