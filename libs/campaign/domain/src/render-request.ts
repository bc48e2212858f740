// The mail.render.v1 request campaign produces for one recipient of a launched
// campaign: what render needs to build the message, including the campaign's
// tracking choice (render's own setting bounds it).
import { events } from '@postline/contracts';
import { renderRequestId } from './message-identity';

/** The parts of a campaign a render request carries. */
export interface CampaignForRender {
  _id: string;
  tenantId: string;
  fromAddress: string;
  fromName: string;
  template: { templateId: string; version: number };
  /** Absent on campaigns stored before the choice existed: both on. */
  tracking?: { clicks: boolean; opens: boolean };
}

export function buildRenderRequest(
  campaign: CampaignForRender,
  recipient: events.Recipient,
  pool: string,
  now: Date,
): events.RenderRequest {
  return events.RenderRequest.fromPartial({
    requestId: renderRequestId(campaign._id, recipient.subscriberId),
    tenantId: campaign.tenantId,
    campaignId: campaign._id,
    variantId: '',
    template: campaign.template,
    recipient,
    fromAddress: campaign.fromAddress,
    fromName: campaign.fromName,
    pool,
    requestedAt: now,
    // Always set, so render applies this campaign's choice rather than its own default.
    tracking: {
      clicks: campaign.tracking?.clicks ?? true,
      opens: campaign.tracking?.opens ?? true,
    },
  });
}
