// One recipient, one message: validates the addresses, renders the template
// with the merge data, and builds the MIME message with its deterministic id.
// Used by the mail.render consumer and by the gRPC Render call alike.
import {
  complianceHeaders,
  messageClaims,
  trimSlash,
  unsubscribeUrl,
  type CampaignContext,
  type ComplianceSettings,
} from './compliance-headers';
import { addOpenPixel, trackClicks } from './link-tracking';
import { buildMime } from './mime-builder';
import { headerAddress, parseAddress } from './message-identity';
import type { CompiledTemplate, MergeData, RenderedContent } from './template-compiler';

export interface MessageRenderInput {
  messageId: string;
  from: { address: string; name?: string };
  to: { email: string; name?: string };
  replyTo?: string;
  data: MergeData;
  /** Date header; the request time keeps re-renders of the same request identical. */
  date: Date;
  /**
   * Campaign mail only: adds List-Unsubscribe (RFC 8058), List-Id, Feedback-ID
   * and a signed VERP return path. Transactional renders leave it out.
   */
  campaign?: CampaignRender;
}

/** Which tracking a campaign message gets; absent means none. */
export interface TrackingChoice {
  /** Rewrite http(s) links of the HTML part to signed click redirects. */
  clicks: boolean;
  /** Add the signed open pixel to the HTML part. */
  opens: boolean;
}

export interface CampaignRender {
  context: CampaignContext;
  settings: ComplianceSettings;
  tracking?: TrackingChoice;
}

export interface RenderedMessage extends RenderedContent {
  messageId: string;
  /** mail.outbound.v1 key: the recipient's domain in lower-case ASCII. */
  routingKey: string;
  rawMime: Buffer;
  /** Envelope MAIL FROM for campaign mail (signed VERP); absent means the From address. */
  returnPath?: string;
}

export async function renderMessage(
  template: CompiledTemplate,
  input: MessageRenderInput,
): Promise<RenderedMessage> {
  const to = parseAddress(input.to.email, 'RECIPIENT_ADDRESS_INVALID');
  const from = parseAddress(input.from.address, 'SENDER_ADDRESS_INVALID');
  const replyTo = input.replyTo ? parseAddress(input.replyTo, 'SENDER_ADDRESS_INVALID') : undefined;
  const content = input.campaign
    ? renderCampaignContent(template, input.data, input.campaign, input.messageId)
    : template.render(input.data);
  const compliance = input.campaign
    ? complianceHeaders(
        input.campaign.context,
        input.messageId,
        from.asciiDomain,
        input.campaign.settings,
      )
    : undefined;
  const rawMime = buildMime({
    messageId: input.messageId,
    messageIdDomain: from.asciiDomain,
    from: { address: headerAddress(from), name: input.from.name },
    to: { address: headerAddress(to), name: input.to.name },
    replyTo: replyTo && headerAddress(replyTo),
    date: input.date,
    headers: compliance?.headers,
    ...content,
  });
  return {
    ...content,
    messageId: input.messageId,
    routingKey: to.asciiDomain,
    rawMime,
    ...(compliance ? { returnPath: compliance.returnPath } : {}),
  };
}

/**
 * Campaign content: `{{unsubscribe_url}}` is available to the template, and
 * with tracking chosen the HTML links and/or pixel go through the campaign service.
 * The text part keeps the original links (it is derived before tracking).
 */
function renderCampaignContent(
  template: CompiledTemplate,
  data: MergeData,
  campaign: CampaignRender,
  messageId: string,
): RenderedContent {
  const claims = messageClaims(campaign.context, messageId);
  const unsubscribe_url = unsubscribeUrl(claims, campaign.settings);
  const content = template.render({ ...data, unsubscribe_url });
  const { clicks = false, opens = false } = campaign.tracking ?? {};
  if ((!clicks && !opens) || !content.html) return content;
  const target = {
    claims,
    signingSecret: campaign.settings.signingSecret,
    baseUrl: trimSlash(campaign.settings.trackingBaseUrl),
  };
  let html = content.html;
  if (clicks) html = trackClicks(html, target);
  if (opens) html = addOpenPixel(html, target);
  return { ...content, html };
}
