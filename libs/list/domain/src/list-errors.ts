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
