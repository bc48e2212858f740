// The public shape of a campaign (REST and gRPC), without internal fields.
import { campaignV1 } from '@postline/contracts';
import type { CampaignDoc } from '@postline/campaign/data-access';

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
  createdAt: string;
  launchedAt: string | null;
  completedAt: string | null;
}

export function toView(c: CampaignDoc): CampaignView {
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
  sent: campaignV1.CampaignStatus.CAMPAIGN_STATUS_SENT,
  failed: campaignV1.CampaignStatus.CAMPAIGN_STATUS_FAILED,
};

export function toProto(c: CampaignDoc): campaignV1.Campaign {
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
  });
}
