// What the service wiring tells the list feature (from its validated config).
export interface ListFeatureOptions {
  /** Topic for SubscriberEvent records (list.events.v1 unless overridden). */
  eventsTopic: string;
  /** Members read from MongoDB per query while streaming recipients. */
  streamPageSize: number;
  /** Topic of DeliveryEvent records (mail.events.v1 unless overridden). */
  mailEventsTopic: string;
  /** Consumer group of the engagement consumer on mailEventsTopic. */
  consumerGroup: string;
  /** Soft bounces in a row that suppress an address. */
  softBounceLimit: number;
  /** HMAC key of unsubscribe tokens (the same value render signs with) and of confirmation links. */
  signingSecret: string;
  /** Public base URL whose `/u/` reaches this service; confirmation links are `<base>/u/confirm/<token>`. */
  publicBaseUrl: string;
  /** How long a double opt-in confirmation link works, in hours. */
  confirmationTtlHours: number;
  /** How recipient streams join members and subscribers; auto: scan on FerretDB, lookup on MongoDB. */
  streamJoin: 'auto' | 'scan' | 'lookup';
  /** CSV import: rows per write chunk. */
  importChunkRows: number;
  /** CSV import: chunks written at the same time. */
  importConcurrency: number;
  /** CSV import: largest record of a file, in bytes. */
  importMaxRowBytes: number;
  /** CSV import: row errors kept on the job record. */
  importMaxReportedErrors: number;
  /** CSV import: least time between two progress writes to the job record. */
  importProgressIntervalMs: number;
}

export const LIST_FEATURE_OPTIONS = Symbol('postline.list.options');
export const LIST_STORE = Symbol('postline.list.store');
