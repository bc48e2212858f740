// The body of an RFC 8058 one-click unsubscribe POST: the pair
// "List-Unsubscribe=One-Click", sent by mailbox providers as
// multipart/form-data (the RFC's SHOULD) or application/x-www-form-urlencoded
// (its MAY). Anything else is refused, so a stray POST (a crawler, a form from
// elsewhere) cannot unsubscribe anyone.

export const ONE_CLICK_FIELD = 'List-Unsubscribe';
export const ONE_CLICK_VALUE = 'One-Click';
/** A one-click body is a few dozen bytes; multipart with its boundaries a few hundred. */
export const ONE_CLICK_MAX_BYTES = 16 * 1024;

export type OneClickBodyCheck = { ok: true } | { ok: false; reason: string };

const EXPECTED = `the body must be ${ONE_CLICK_FIELD}=${ONE_CLICK_VALUE} (RFC 8058), sent as application/x-www-form-urlencoded or multipart/form-data`;

export type BodyKind = 'urlencoded' | 'multipart' | 'other';

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function bodyKind(contentType: string | undefined): BodyKind {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return 'urlencoded';
  if (type === 'multipart/form-data') return 'multipart';
  return 'other';
}

/** Checks an already parsed urlencoded body (field name to value, as the HTTP layer parses it). */
export function checkUrlencodedBody(parsed: unknown): OneClickBodyCheck {
  if (typeof parsed !== 'object' || parsed === null) return { ok: false, reason: EXPECTED };
  const value = (parsed as Record<string, unknown>)[ONE_CLICK_FIELD];
  return value === ONE_CLICK_VALUE ? { ok: true } : { ok: false, reason: EXPECTED };
}

/** Checks a raw multipart/form-data body against the boundary of its Content-Type. */
export function checkMultipartBody(contentType: string, raw: Buffer): OneClickBodyCheck {
  const boundary = boundaryOf(contentType);
  if (!boundary) return { ok: false, reason: 'multipart/form-data without a boundary parameter' };
  const value = multipartField(raw.toString('latin1'), boundary, ONE_CLICK_FIELD);
  return value === ONE_CLICK_VALUE ? { ok: true } : { ok: false, reason: EXPECTED };
}

function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The value of the first part named `name` (RFC 7578), or undefined. */
function multipartField(text: string, boundary: string, name: string): string | undefined {
  const parts = text.split(`--${boundary}`);
  // parts[0] is the preamble; the part after the closing delimiter starts with "--".
  for (const part of parts.slice(1)) {
    if (part.startsWith('--')) break;
    const headerEnd = part.indexOf('\r\n\r\n');
    if (!part.startsWith('\r\n') || headerEnd < 0) continue;
    const headers = part.slice(2, headerEnd).split('\r\n');
    const disposition = headers.find((h) => /^content-disposition\s*:/i.test(h));
    if (!disposition || !/^content-disposition\s*:\s*form-data\s*(;|$)/i.test(disposition))
      continue;
    const partName = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (partName !== name) continue;
    const body = part.slice(headerEnd + 4);
    // The CRLF before the next delimiter belongs to the delimiter, not the value.
    return body.endsWith('\r\n') ? body.slice(0, -2) : body;
  }
  return undefined;
}
