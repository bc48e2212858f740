// The list service's catalogue of failure codes. Every refusal, whether over
// REST, gRPC or in a bulk import's per-row report, carries one of these, so a
// caller can tell "bad address" from "already subscribed" without parsing text.
export const ListErrorCode = {
  InvalidEmail: 'INVALID_EMAIL',
  InvalidName: 'INVALID_NAME',
  InvalidAttributes: 'INVALID_ATTRIBUTES',
  InvalidRow: 'INVALID_ROW',
  UnknownField: 'UNKNOWN_FIELD',
  InvalidId: 'INVALID_ID',
  InvalidCursor: 'INVALID_CURSOR',
  InvalidTenant: 'INVALID_TENANT',
  NotFound: 'NOT_FOUND',
  AlreadySubscribed: 'ALREADY_SUBSCRIBED',
  PreviouslyUnsubscribed: 'PREVIOUSLY_UNSUBSCRIBED',
  DuplicateInBatch: 'DUPLICATE_IN_BATCH',
  WriteFailed: 'WRITE_FAILED',
  EventsUnavailable: 'EVENTS_UNAVAILABLE',
  InvalidDomain: 'INVALID_DOMAIN',
  InvalidReason: 'INVALID_REASON',
  InvalidSuppression: 'INVALID_SUPPRESSION',
  /** The unsubscribe token is not a token at all (truncated, mangled by a mail client). */
  InvalidToken: 'INVALID_TOKEN',
  /** The unsubscribe token is well formed but its signature does not hold: forged or another secret. */
  TokenRejected: 'TOKEN_REJECTED',
  /** A one-click POST without the RFC 8058 body `List-Unsubscribe=One-Click`. */
  InvalidUnsubscribeBody: 'INVALID_UNSUBSCRIBE_BODY',
  /** The address was erased (GDPR) and is kept out of every list until its suppression is removed. */
  AddressErased: 'ADDRESS_ERASED',
  EraseRequired: 'ERASE_REQUIRED',
  InvalidConsent: 'INVALID_CONSENT',
} as const;
export type ListErrorCode = (typeof ListErrorCode)[keyof typeof ListErrorCode];

/** A refusal with a catalogue code; the transport (REST, gRPC) maps the code to its status. */
export class ListError extends Error {
  constructor(
    readonly code: ListErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ListError';
  }
}
