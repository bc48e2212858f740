// The campaign guard's decision: a sending campaign whose hard-bounce or
// complaint rate passes its limit is paused before it spends more of the
// sender's reputation. Rates are judged only once the campaign has a minimum
// number of final outcomes, so a handful of early bounces cannot stop it.
// Limits are in basis points (1/100 of a percent): integers, compared without
// floating point.
import type { GuardCounts } from './guard-counts';

export type GuardReason = 'bounce_rate' | 'complaint_rate';
export const GUARD_REASONS: readonly GuardReason[] = ['bounce_rate', 'complaint_rate'];

/** Why a campaign is paused: a guard limit, or an operator (PauseCampaign). */
export type PauseReason = GuardReason | 'operator';
export const PAUSE_REASONS: readonly PauseReason[] = [...GUARD_REASONS, 'operator'];

export const BASIS_POINTS = 10000;

export interface GuardLimits {
  /** Final outcomes (delivered + bounced) before any rate is judged. */
  minAttempts: number;
  /** Hard bounces per 10,000 final outcomes above which the campaign pauses. */
  maxHardBounceBasisPoints: number;
  /** Complaints per 10,000 delivered messages above which the campaign pauses. */
  maxComplaintBasisPoints: number;
}

/** Bounds of each limit, shared by the service settings and the API checks. */
export const GUARD_LIMIT_BOUNDS: Record<keyof GuardLimits, { min: number; max: number }> = {
  minAttempts: { min: 1, max: 10_000_000 },
  maxHardBounceBasisPoints: { min: 0, max: BASIS_POINTS },
  maxComplaintBasisPoints: { min: 0, max: BASIS_POINTS },
};

export interface GuardRates {
  attempts: number;
  /** Hard bounces per 10,000 attempts, rounded down. */
  hardBounceBasisPoints: number;
  /** Complaints per 10,000 delivered, rounded down. */
  complaintBasisPoints: number;
}

export type GuardDecision =
  | { pause: false; rates: GuardRates }
  | { pause: true; reason: GuardReason; rates: GuardRates; limit: number };

/** The limits a campaign runs under: its own where it set them, the service's otherwise. */
export function effectiveLimits(
  own: Partial<GuardLimits> | undefined,
  defaults: GuardLimits,
): GuardLimits {
  return {
    minAttempts: own?.minAttempts ?? defaults.minAttempts,
    maxHardBounceBasisPoints: own?.maxHardBounceBasisPoints ?? defaults.maxHardBounceBasisPoints,
    maxComplaintBasisPoints: own?.maxComplaintBasisPoints ?? defaults.maxComplaintBasisPoints,
  };
}

/**
 * Counts can dip below zero for a while (a window reset while late outcomes of
 * earlier messages change), so each is read as at least zero.
 */
function sane(counts: GuardCounts): GuardCounts {
  return {
    delivered: Math.max(0, counts.delivered),
    bounced: Math.max(0, counts.bounced),
    hardBounced: Math.max(0, Math.min(counts.hardBounced, counts.bounced)),
    complained: Math.max(0, counts.complained),
  };
}

export function guardRates(counts: GuardCounts): GuardRates {
  const c = sane(counts);
  const attempts = c.delivered + c.bounced;
  return {
    attempts,
    hardBounceBasisPoints:
      attempts === 0 ? 0 : Math.floor((c.hardBounced * BASIS_POINTS) / attempts),
    complaintBasisPoints:
      c.delivered === 0 ? 0 : Math.floor((c.complained * BASIS_POINTS) / c.delivered),
  };
}

/**
 * Whether a campaign with these counts must pause. A rate must exceed its
 * limit (a limit of 500 tolerates exactly 5.00 %); bounces are checked first,
 * since they are the earlier and louder signal to mailbox providers.
 */
export function guardDecision(counts: GuardCounts, limits: GuardLimits): GuardDecision {
  const c = sane(counts);
  const rates = guardRates(c);
  if (rates.attempts < limits.minAttempts) return { pause: false, rates };
  if (c.hardBounced * BASIS_POINTS > limits.maxHardBounceBasisPoints * rates.attempts) {
    return { pause: true, reason: 'bounce_rate', rates, limit: limits.maxHardBounceBasisPoints };
  }
  // Complaints come only from delivered mail; none delivered yet means no complaint rate.
  if (
    c.delivered > 0 &&
    c.complained * BASIS_POINTS > limits.maxComplaintBasisPoints * c.delivered
  ) {
    return { pause: true, reason: 'complaint_rate', rates, limit: limits.maxComplaintBasisPoints };
  }
  return { pause: false, rates };
}
