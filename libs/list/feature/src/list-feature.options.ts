// What the service wiring tells the list feature (from its validated config).
export interface ListFeatureOptions {
  /** Topic for SubscriberEvent records (list.events.v1 unless overridden). */
  eventsTopic: string;
  /** Members read from MongoDB per query while streaming recipients. */
  streamPageSize: number;
}

export const LIST_FEATURE_OPTIONS = Symbol('postline.list.options');
export const LIST_STORE = Symbol('postline.list.store');
