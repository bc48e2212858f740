// The public shape of a campaign (REST and gRPC), without internal fields.
import { campaignV1 } from '@postline/contracts';
import type { CampaignDoc } from '@postline/campaign/data-access';
import {
  effectiveLimits,
  guardRates,
  ZERO_COUNTS,
  type GuardCounts,
  type GuardLimits,
  type GuardRates,
  type PauseReason,
} from '@postline/campaign/domain';

/** The guard's view of a campaign: the limits it runs under and its current window. */
export interface GuardView extends GuardLimits, GuardCounts, GuardRates {
  windowStartedAt: string | null;
}

export interface CampaignView {
  id: string;
  name: string;
  listId: string;
  subject: string;
  fromAddress: string;
  fromName: string;
  status: CampaignDoc['status'];
  sendRatePerSecond: number;
  trackClicks: boolean;
  trackOpens: boolean;
  recipientsQueued: number;
  /** Set while the guard holds the campaign paused. */
  pauseReason: PauseReason | null;
  pausedAt: string | null;
  guard: GuardView;
  createdAt: string;
  launchedAt: string | null;
  completedAt: string | null;
}

export function guardView(c: CampaignDoc, defaults: GuardLimits): GuardView {
  const counts = c.guardCounts ?? ZERO_COUNTS;
  return {
    ...effectiveLimits(c.guardLimits, defaults),
    // A window's count may dip below zero for a moment after a reset (late outcomes of earlier mail).
    delivered: Math.max(0, counts.delivered),
    bounced: Math.max(0, counts.bounced),
    hardBounced: Math.max(0, counts.hardBounced),
    complained: Math.max(0, counts.complained),
    ...guardRates(counts),
    windowStartedAt: (c.guardWindowStartedAt ?? c.launchedAt)?.toISOString() ?? null,
  };
}

export function toView(c: CampaignDoc, guardDefaults: GuardLimits): CampaignView {
  return {
    id: c._id,
    name: c.name,
    listId: c.listId,
    subject: c.subject,
    fromAddress: c.fromAddress,
    fromName: c.fromName,
    status: c.status,
    sendRatePerSecond: c.sendRatePerSecond,
    ...trackingOf(c),
    recipientsQueued: c.recipientsQueued,
    pauseReason: c.pauseReason ?? null,
    pausedAt: c.pausedAt?.toISOString() ?? null,
    guard: guardView(c, guardDefaults),
    createdAt: c.createdAt.toISOString(),
    launchedAt: c.launchedAt?.toISOString() ?? null,
    completedAt: c.completedAt?.toISOString() ?? null,
  };
}

/** The campaign's tracking choice; campaigns stored before it existed track both. */
export function trackingOf(c: CampaignDoc): { trackClicks: boolean; trackOpens: boolean } {
  return { trackClicks: c.tracking?.clicks ?? true, trackOpens: c.tracking?.opens ?? true };
}

const STATUS: Record<CampaignDoc['status'], campaignV1.CampaignStatus> = {
  draft: campaignV1.CampaignStatus.CAMPAIGN_STATUS_DRAFT,
  sending: campaignV1.CampaignStatus.CAMPAIGN_STATUS_SENDING,
  paused: campaignV1.CampaignStatus.CAMPAIGN_STATUS_PAUSED,
  sent: campaignV1.CampaignStatus.CAMPAIGN_STATUS_SENT,
  failed: campaignV1.CampaignStatus.CAMPAIGN_STATUS_FAILED,
};

const REASON: Record<PauseReason, campaignV1.GuardReason> = {
  bounce_rate: campaignV1.GuardReason.GUARD_REASON_BOUNCE_RATE,
  complaint_rate: campaignV1.GuardReason.GUARD_REASON_COMPLAINT_RATE,
  operator: campaignV1.GuardReason.GUARD_REASON_OPERATOR,
};

export function toProto(c: CampaignDoc, guardDefaults: GuardLimits): campaignV1.Campaign {
  const guard = guardView(c, guardDefaults);
  return campaignV1.Campaign.fromPartial({
    campaignId: c._id,
    tenantId: c.tenantId,
    name: c.name,
    listId: c.listId,
    subject: c.subject,
    fromAddress: c.fromAddress,
    fromName: c.fromName,
    status: STATUS[c.status],
    recipientsQueued: c.recipientsQueued,
    createdAt: c.createdAt,
    launchedAt: c.launchedAt,
    ...trackingOf(c),
    pauseReason: c.pauseReason
      ? REASON[c.pauseReason]
      : campaignV1.GuardReason.GUARD_REASON_UNSPECIFIED,
    pausedAt: c.pausedAt,
    guard: {
      limits: {
        minAttempts: guard.minAttempts,
        maxHardBounceBasisPoints: guard.maxHardBounceBasisPoints,
        maxComplaintBasisPoints: guard.maxComplaintBasisPoints,
      },
      delivered: guard.delivered,
      bounced: guard.bounced,
      hardBounced: guard.hardBounced,
      complained: guard.complained,
      hardBounceBasisPoints: guard.hardBounceBasisPoints,
      complaintBasisPoints: guard.complaintBasisPoints,
    },
  });
}
