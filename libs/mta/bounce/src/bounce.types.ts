// What the bounce classifier reads and returns. Plain data, so the queue,
// the event builder and the admin API can all share it without Nest.
import type { events } from '@postline/contracts';

/** One SMTP reply as the dispatcher reports it (real, or synthesised for a failure without one). */
export interface ReplyToClassify {
  /** RFC 5321 basic code, e.g. 550. */
  code: number;
  /** RFC 3463 enhanced status code, e.g. "5.1.1"; "X.0.0" or empty when the peer sent none. */
  enhancedCode?: string;
  text?: string;
  /**
   * True when the message reached its bounce-after age: the last reply is kept
   * for the record, but the verdict is `expired` whatever it said.
   */
  expired?: boolean;
}

export interface BounceClassification {
  category: events.BounceCategory;
  /** Whether the list service may suppress the address on this reply alone. */
  hard: boolean;
  /** No further attempt will be made: a 5xx reply, or the bounce-after age was reached. */
  final: boolean;
  /** Name of the table row that decided, for logs, metrics and tests. */
  rule: string;
}
