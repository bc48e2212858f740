// Translates between gRPC status codes and the campaign error catalogue.
import { status, type ServiceError } from '@grpc/grpc-js';
import { CampaignError, type CampaignErrorCode } from '@postline/campaign/domain';

export function isGrpcError(e: unknown, code: status): e is ServiceError {
  return typeof e === 'object' && e !== null && (e as ServiceError).code === code;
}

/** A peer that is down or timing out is a 503 for our caller, never a 500. */
export function peerFailure(peer: string, e: unknown): CampaignError {
  const err = e as ServiceError;
  return new CampaignError(
    'DEPENDENCY_UNAVAILABLE',
    `${peer} service unavailable: ${err.details || err.message}`,
  );
}

const TO_GRPC: Record<CampaignErrorCode, status> = {
  CAMPAIGN_NOT_FOUND: status.NOT_FOUND,
  LIST_NOT_FOUND: status.FAILED_PRECONDITION,
  LIST_EMPTY: status.FAILED_PRECONDITION,
  CAMPAIGN_ALREADY_LAUNCHED: status.FAILED_PRECONDITION,
  CAMPAIGN_NOT_PAUSED: status.FAILED_PRECONDITION,
  CAMPAIGN_NOT_SENDING: status.FAILED_PRECONDITION,
  CAMPAIGN_GUARD_TRIPPED: status.FAILED_PRECONDITION,
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  TEMPLATE_INVALID: status.INVALID_ARGUMENT,
  DEPENDENCY_UNAVAILABLE: status.UNAVAILABLE,
  // Tracking hits arrive over HTTP only; mapped for completeness.
  TRACKING_TOKEN_INVALID: status.INVALID_ARGUMENT,
  TRACKING_TOKEN_REJECTED: status.PERMISSION_DENIED,
};

export function toGrpcError(e: unknown): Partial<ServiceError> {
  if (e instanceof CampaignError)
    return { code: TO_GRPC[e.code], details: `${e.code}: ${e.message}` };
  return { code: status.INTERNAL, details: 'internal error' };
}
