// Headers and envelope sender every campaign message carries so mailbox
// providers can unsubscribe (RFC 8058 one-click), group (List-Id, RFC 2919) and
// report complaints (Feedback-ID), and so a bounce leads back to its message (VERP).
import { signReturnPath, signToken, type MessageClaims } from '@postline/shared/signed-token';

export interface ComplianceSettings {
  /** HMAC-SHA256 key of every token and return path. */
  signingSecret: string;
  /** Public base of the campaign service's tracking endpoints (`/u/`, `/c/`, `/o/`). */
  trackingBaseUrl: string;
  /** Domain of the VERP return path; empty means the sender's domain. */
  bounceDomain: string;
  /** Domain of the mailto unsubscribe address; empty means the bounce domain. */
  unsubscribeMailtoDomain: string;
}

/** Who a campaign message is for, as the tokens carry it. */
export interface CampaignContext {
  tenantId: string;
  campaignId: string;
  subscriberId: string;
  listId?: string;
  /** Feedback-ID stream: the traffic class (the MTA pool), so complaints split by stream. */
  stream: string;
}

export interface ComplianceOutput {
  /** Header fields in order, values already RFC 5322-safe (ASCII, no CR/LF). */
  headers: Array<{ key: string; value: string }>;
  /** Envelope MAIL FROM: `b+<messageId>.<sig8>@<bounce domain>`. */
  returnPath: string;
}

/** Fixed so mail clients and tests can rely on it; Feedback-ID's sender-id field. */
export const FEEDBACK_SENDER_ID = 'postline';

/** Anything outside RFC 5322 atext minus separators becomes `-`, so ids can never break a field. */
function atom(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '-') || '-';
}

export function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

/** What every token of one campaign message signs. */
export function messageClaims(ctx: CampaignContext, messageId: string): MessageClaims {
  return {
    tenant: ctx.tenantId,
    subscriber: ctx.subscriberId,
    ...(ctx.listId ? { list: ctx.listId } : {}),
    campaign: ctx.campaignId,
    message: messageId,
  };
}

export function unsubscribeUrl(claims: MessageClaims, settings: ComplianceSettings): string {
  const token = signToken('unsubscribe', claims, settings.signingSecret);
  return `${trimSlash(settings.trackingBaseUrl)}/u/${token}`;
}

export function complianceHeaders(
  ctx: CampaignContext,
  messageId: string,
  senderAsciiDomain: string,
  settings: ComplianceSettings,
): ComplianceOutput {
  const bounceDomain = settings.bounceDomain || senderAsciiDomain;
  const mailtoDomain = settings.unsubscribeMailtoDomain || bounceDomain;
  const sig = signReturnPath(messageId, settings.signingSecret);
  const claims = messageClaims(ctx, messageId);
  // The mailto local part carries the signed message id (43 chars, under the 64 limit);
  // the receiver maps it back to the subscriber, as a bounce is.
  const mailto = `mailto:u+${messageId}.${sig}@${mailtoDomain}?subject=unsubscribe`;
  const listKey = ctx.listId ? `${atom(ctx.listId)}.${atom(ctx.campaignId)}` : atom(ctx.campaignId);
  const feedbackId = [ctx.campaignId, ctx.tenantId, ctx.stream, FEEDBACK_SENDER_ID]
    .map(atom)
    .join(':');
  return {
    headers: [
      // Folded after the comma (CFWS) to keep the line short; both URIs stay intact.
      { key: 'List-Unsubscribe', value: `<${unsubscribeUrl(claims, settings)}>,\r\n <${mailto}>` },
      { key: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      { key: 'List-Id', value: `<${listKey}.${atom(ctx.tenantId)}.${senderAsciiDomain}>` },
      { key: 'Feedback-ID', value: feedbackId },
    ],
    returnPath: `b+${messageId}.${sig}@${bounceDomain}`,
  };
}
