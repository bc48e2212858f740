// The campaign service's error catalogue: each failure a caller can cause has a
// stable code and an HTTP status; gRPC maps the same codes to its status codes.
export const CampaignErrorCodes = {
  CAMPAIGN_NOT_FOUND: 404,
  LIST_NOT_FOUND: 422,
  LIST_EMPTY: 422,
  CAMPAIGN_ALREADY_LAUNCHED: 409,
  TEMPLATE_INVALID: 400,
  DEPENDENCY_UNAVAILABLE: 503,
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
