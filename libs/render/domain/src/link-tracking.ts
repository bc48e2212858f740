// Click and open tracking of a campaign's HTML part: http(s) links become
// signed redirects through the campaign service (`/c/<token>`) and an open pixel
// (`/o/<token>`) is appended. Runs after merging, so merged links are tracked too.
import { signToken, type MessageClaims } from '@postline/shared/signed-token';

export interface TrackingTarget {
  claims: MessageClaims;
  signingSecret: string;
  /** Public base of the tracking endpoints, without a trailing slash. */
  baseUrl: string;
}

// The href value of an anchor, double- or single-quoted. Unquoted hrefs are left as they are.
const ANCHOR_HREF = /(<a\b[^>]*?\bhref\s*=\s*)(["'])([^"']*)\2/gi;
/** Opt-out marker for links that must keep their exact target (e.g. a legal notice). */
const NO_TRACK = /\bdata-postline-notrack\b/i;

function decodeHrefEntities(href: string): string {
  return href
    .replace(/&amp;/gi, '&')
    .replace(/&#x26;|&#38;/gi, '&')
    .trim();
}

/** Rewrites tracked links; mailto, tel, anchors and the tracking base itself (unsubscribe) stay. */
export function trackClicks(html: string, target: TrackingTarget): string {
  return html.replace(ANCHOR_HREF, (whole, open: string, quote: string, rawHref: string) => {
    const url = decodeHrefEntities(rawHref);
    if (!/^https?:\/\//i.test(url) || url.startsWith(`${target.baseUrl}/`)) return whole;
    if (NO_TRACK.test(open)) return whole;
    const token = signToken('click', { ...target.claims, url }, target.signingSecret);
    return `${open}${quote}${target.baseUrl}/c/${token}${quote}`;
  });
}

/** Adds the 1x1 open pixel just before </body>, or at the end of a fragment. */
export function addOpenPixel(html: string, target: TrackingTarget): string {
  const token = signToken('open', target.claims, target.signingSecret);
  const pixel =
    `<img src="${target.baseUrl}/o/${token}" width="1" height="1" alt="" ` +
    'style="display:block;border:0;width:1px;height:1px" />';
  const at = html.search(/<\/body\s*>/i);
  return at < 0 ? html + pixel : html.slice(0, at) + pixel + html.slice(at);
}
