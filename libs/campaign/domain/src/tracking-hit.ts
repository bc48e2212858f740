// Hits on the tracking links render puts in campaign HTML: `/c/<token>` (a
// click, redirected to the signed destination) and `/o/<token>` (the open
// pixel). A hit is trusted only through the token's HMAC (shared secret with
// render), and becomes a CLICKED or OPENED DeliveryEvent on mail.events.
import { events } from '@postline/contracts';
import { TokenRejectedError, verifyToken, type MessageClaims } from '@postline/shared/signed-token';
import { CampaignError } from './campaign-errors';

export type HitKind = 'click' | 'open';

export interface TrackingHit {
  kind: HitKind;
  claims: MessageClaims;
  /** Click hits: where to send the reader (an absolute http or https URL). */
  destination?: string;
}

/**
 * Click tokens carry the destination URL; mail links rarely pass 2 KB, and a
 * token is about 4/3 of its claims. Anything far longer is not one of ours.
 */
export const TRACKING_TOKEN_MAX_LENGTH = 8192;

const MESSAGE_ID = /^[0-9a-f]{32}$/;

/**
 * Verifies a token for one purpose. The purpose is inside the MAC, so a click
 * token presented as an open token (or the reverse) fails as a bad signature.
 */
export function verifyHit(kind: HitKind, token: string, secret: string): TrackingHit {
  if (token.length === 0 || token.length > TRACKING_TOKEN_MAX_LENGTH) {
    throw new CampaignError('TRACKING_TOKEN_INVALID', `the ${kind} token is malformed`);
  }
  let claims: MessageClaims & { url?: string };
  try {
    claims = verifyToken(kind, token, secret);
  } catch (e) {
    if (!(e instanceof TokenRejectedError)) throw e;
    if (e.reason === 'bad signature') {
      throw new CampaignError(
        'TRACKING_TOKEN_REJECTED',
        `the ${kind} token is not valid (its signature does not match)`,
      );
    }
    throw new CampaignError('TRACKING_TOKEN_INVALID', `the ${kind} token is ${e.reason}`);
  }
  if (!MESSAGE_ID.test(claims.message) || !claims.tenant || !claims.campaign) {
    throw new CampaignError(
      'TRACKING_TOKEN_INVALID',
      `the ${kind} token does not name a message of a campaign`,
    );
  }
  if (kind === 'open') return { kind, claims: withoutUrl(claims) };
  return { kind, claims: withoutUrl(claims), destination: safeDestination(claims.url ?? '') };
}

function withoutUrl(claims: MessageClaims & { url?: string }): MessageClaims {
  const { url: _url, ...rest } = claims;
  return rest;
}

/**
 * Render signs only http(s) links, but the redirect goes out under our name:
 * anything else (javascript:, data:) is refused, and the URL is re-serialised so
 * no control character can reach the Location header.
 */
function safeDestination(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CampaignError('TRACKING_TOKEN_INVALID', 'the click token names no valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CampaignError('TRACKING_TOKEN_INVALID', 'the click token names no http(s) URL');
  }
  return parsed.href;
}

/** The DeliveryEvent a verified hit becomes; keyed by message id on mail.events. */
export function hitEvent(hit: TrackingHit, eventId: string, at: Date): events.DeliveryEvent {
  return events.DeliveryEvent.fromPartial({
    eventId,
    messageId: hit.claims.message,
    tenantId: hit.claims.tenant,
    campaignId: hit.claims.campaign,
    subscriberId: hit.claims.subscriber,
    type:
      hit.kind === 'click'
        ? events.DeliveryEventType.DELIVERY_EVENT_TYPE_CLICKED
        : events.DeliveryEventType.DELIVERY_EVENT_TYPE_OPENED,
    occurredAt: at,
    ...(hit.destination ? { url: hit.destination } : {}),
  });
}

/** A transparent 1x1 GIF, 42 bytes. */
export const TRANSPARENT_GIF = Buffer.from(
  [
    '474946383961', // "GIF89a"
    '01000100800000', // 1x1, a global colour table of 2 entries
    '000000ffffff', // the two colours
    '21f9040100000000', // graphic control extension: colour 0 is transparent
    '2c000000000100010000', // image descriptor: 1x1 at 0,0
    '02014400', // LZW minimum code size 2, one 1-byte data block, block terminator
    '3b', // trailer
  ].join(''),
  'hex',
);
