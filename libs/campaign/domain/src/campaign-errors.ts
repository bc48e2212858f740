// The campaign service's error catalogue: each failure a caller can cause has a
// stable code and an HTTP status; gRPC maps the same codes to its status codes.
export const CampaignErrorCodes = {
  CAMPAIGN_NOT_FOUND: 404,
  LIST_NOT_FOUND: 422,
  LIST_EMPTY: 422,
  CAMPAIGN_ALREADY_LAUNCHED: 409,
  /** Resume of a campaign the guard has not paused (a draft, sending, sent or failed one). */
  CAMPAIGN_NOT_PAUSED: 409,
  /** Pause of a campaign that is not sending (a draft, or one already paused, sent or failed). */
  CAMPAIGN_NOT_SENDING: 409,
  /** Resume that the guard would undo at once: the window's rate is still over its limit. */
  CAMPAIGN_GUARD_TRIPPED: 409,
  /** A gRPC request field out of range or malformed (REST reports these as 400 from its validation). */
  INVALID_ARGUMENT: 400,
  TEMPLATE_INVALID: 400,
  DEPENDENCY_UNAVAILABLE: 503,
  /** A click or open token that is garbled, too long or names no message. */
  TRACKING_TOKEN_INVALID: 400,
  /** A well-formed click or open token whose signature does not hold (forged, or of another purpose). */
  TRACKING_TOKEN_REJECTED: 403,
} as const;

export type CampaignErrorCode = keyof typeof CampaignErrorCodes;

export class CampaignError extends Error {
  readonly status: number;
  constructor(
    readonly code: CampaignErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CampaignError';
    this.status = CampaignErrorCodes[code];
  }
}
