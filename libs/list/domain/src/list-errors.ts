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
  /** The unsubscribe or confirmation token is not a token at all (truncated, mangled by a mail client). */
  InvalidToken: 'INVALID_TOKEN',
  /** The unsubscribe or confirmation token is well formed but its signature does not hold: forged or another secret. */
  TokenRejected: 'TOKEN_REJECTED',
  /** A genuine confirmation link past its expiry: the person signs up again for a new one. */
  TokenExpired: 'TOKEN_EXPIRED',
  /** A confirmation link replaced by a newer one sent to the same person. */
  TokenSuperseded: 'TOKEN_SUPERSEDED',
  /** A confirmation link followed again after it confirmed the subscription. */
  AlreadyConfirmed: 'ALREADY_CONFIRMED',
  /** The subscription cannot be confirmed: the member left the list, or the address is suppressed or not active. */
  NotConfirmable: 'NOT_CONFIRMABLE',
  /** A one-click POST without the RFC 8058 body `List-Unsubscribe=One-Click`. */
  InvalidUnsubscribeBody: 'INVALID_UNSUBSCRIBE_BODY',
  /** The address was erased (GDPR) and is kept out of every list until its suppression is removed. */
  AddressErased: 'ADDRESS_ERASED',
  EraseRequired: 'ERASE_REQUIRED',
  InvalidConsent: 'INVALID_CONSENT',
  /** A CSV record that cannot be read as a row: bad quoting, too long, wrong number of fields. */
  InvalidCsvRow: 'INVALID_CSV_ROW',
  /** A CSV record whose bytes are not UTF-8 (a Latin-1 or UTF-16 export). */
  InvalidUtf8: 'INVALID_UTF8',
  /** The address appears on an earlier row of the same import. */
  DuplicateInFile: 'DUPLICATE_IN_FILE',
  /** The import's column mapping is malformed or names columns badly. */
  InvalidMapping: 'INVALID_MAPPING',
  /** The CSV header lacks a column the mapping names (the email column above all). */
  MissingColumn: 'MISSING_COLUMN',
  /** The file as a whole cannot be imported: empty, no header, UTF-16, duplicate header names. */
  InvalidCsv: 'INVALID_CSV',
  UnsupportedContentType: 'UNSUPPORTED_CONTENT_TYPE',
  /** The upload stopped before the end of the file (client gone, connection reset). */
  UploadInterrupted: 'UPLOAD_INTERRUPTED',
  /** A segment expression that does not parse or names unknown fields, lists or values. */
  InvalidSegment: 'INVALID_SEGMENT',
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
