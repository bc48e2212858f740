// What the campaign guard counts: each message of a campaign contributes to its
// campaign's delivered / bounced / hard-bounced / complained counts according to
// its current outcome. Counts move by the difference between a message's outcome
// before and after an event, so a re-delivered event (no change) adds nothing,
// and a late bounce after a delivery (an asynchronous DSN) moves the message
// from delivered to bounced instead of counting it twice.
import type { DeliveryStatus, EngagementFlag } from './delivery-status';

/** A message's stored outcome as the guard sees it (absent fields: not seen yet). */
export interface MessageOutcome {
  status?: DeliveryStatus;
  /** Set with a bounced status: the receiving side refused the address for good. */
  hardBounce?: boolean;
  complained?: boolean;
}

export interface GuardCounts {
  delivered: number;
  /** Final bounces, hard or soft (a soft bounce becomes final when its retries run out). */
  bounced: number;
  /** The hard ones among `bounced`. */
  hardBounced: number;
  complained: number;
}

export const ZERO_COUNTS: Readonly<GuardCounts> = Object.freeze({
  delivered: 0,
  bounced: 0,
  hardBounced: 0,
  complained: 0,
});

/** One delivery event's effect on a message, as the campaign consumer stores it. */
export type OutcomeChange =
  { status: DeliveryStatus; final: boolean; hardBounce?: boolean } | { flag: EngagementFlag };

/**
 * The outcome after a change. A final status replaces any earlier one (the last
 * final word wins: a bounce report may follow a 250); a deferral only marks a
 * message not seen before, never one with a final outcome; flags only turn on.
 */
export function nextOutcome(
  before: MessageOutcome | null | undefined,
  change: OutcomeChange,
): MessageOutcome {
  const current: MessageOutcome = { ...(before ?? {}) };
  if ('flag' in change) {
    return change.flag === 'complained' ? { ...current, complained: true } : current;
  }
  if (!change.final) return before ? current : { status: change.status };
  return {
    ...current,
    status: change.status,
    hardBounce: change.status === 'bounced' && change.hardBounce === true,
  };
}

/** What one message contributes to its campaign's counts. */
export function countsOf(outcome: MessageOutcome | null | undefined): GuardCounts {
  const bounced = outcome?.status === 'bounced';
  return {
    delivered: outcome?.status === 'delivered' ? 1 : 0,
    bounced: bounced ? 1 : 0,
    hardBounced: bounced && outcome?.hardBounce === true ? 1 : 0,
    complained: outcome?.complained === true ? 1 : 0,
  };
}

/** How the campaign's counts change when one message goes from `before` to `after`. */
export function outcomeDelta(
  before: MessageOutcome | null | undefined,
  after: MessageOutcome,
): GuardCounts {
  const b = countsOf(before);
  const a = countsOf(after);
  return {
    delivered: a.delivered - b.delivered,
    bounced: a.bounced - b.bounced,
    hardBounced: a.hardBounced - b.hardBounced,
    complained: a.complained - b.complained,
  };
}

export function addCounts(a: GuardCounts, b: GuardCounts): GuardCounts {
  return {
    delivered: a.delivered + b.delivered,
    bounced: a.bounced + b.bounced,
    hardBounced: a.hardBounced + b.hardBounced,
    complained: a.complained + b.complained,
  };
}

export function isZeroCounts(c: GuardCounts): boolean {
  return c.delivered === 0 && c.bounced === 0 && c.hardBounced === 0 && c.complained === 0;
}
