// Consent evidence a caller may attach to a subscription: where it was given
// (source), from which address and browser, the wording the person agreed to,
// and when. Stored in the append-only consent ledger; bounded and free of
// control characters so that it is safe to store, export and display.
import { isIP } from 'node:net';

export interface ConsentInput {
  source?: string;
  ip?: string;
  userAgent?: string;
  formText?: string;
  /** When the person gave consent, if earlier than the API call (a form queued for import). */
  at?: Date;
}

export const CONSENT_LIMITS = {
  source: 100,
  userAgent: 512,
  formText: 4000,
} as const;

export type ConsentCheck = { ok: true; value: ConsentInput } | { ok: false; reason: string };

const FIELDS = ['source', 'ip', 'userAgent', 'formText', 'at'];
// Tabs and line breaks are fine in form text; other control characters are not.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
// eslint-disable-next-line no-control-regex
const LINE_CONTROL = /[\x00-\x1f\x7f]/;
/** Clock skew tolerated on a consent time from a caller's clock. */
const FUTURE_SKEW_MS = 5 * 60 * 1000;

function text(
  value: unknown,
  field: string,
  max: number,
  multiline: boolean,
): string | { reason: string } {
  if (typeof value !== 'string') return { reason: `consent.${field} must be a string` };
  if ((multiline ? CONTROL : LINE_CONTROL).test(value))
    return { reason: `consent.${field} contains a control character` };
  if (value.length > max) return { reason: `consent.${field} is longer than ${max} characters` };
  return value;
}

/** Validates the optional `consent` object of a subscription; absent means none. */
export function checkConsent(input: unknown, now = new Date()): ConsentCheck {
  if (input === undefined || input === null) return { ok: true, value: {} };
  if (typeof input !== 'object' || Array.isArray(input))
    return { ok: false, reason: 'consent must be a JSON object' };
  const fields = input as Record<string, unknown>;
  const unknown = Object.keys(fields).find((k) => !FIELDS.includes(k));
  if (unknown !== undefined)
    return { ok: false, reason: `consent.${unknown} is not a known field` };
  const out: ConsentInput = {};
  for (const [field, max, multiline] of [
    ['source', CONSENT_LIMITS.source, false],
    ['userAgent', CONSENT_LIMITS.userAgent, false],
    ['formText', CONSENT_LIMITS.formText, true],
  ] as const) {
    if (fields[field] === undefined) continue;
    const v = text(fields[field], field, max, multiline);
    if (typeof v !== 'string') return { ok: false, reason: v.reason };
    out[field] = v.trim();
  }
  if (fields.ip !== undefined) {
    if (typeof fields.ip !== 'string' || isIP(fields.ip) === 0)
      return { ok: false, reason: 'consent.ip must be an IPv4 or IPv6 address' };
    out.ip = fields.ip;
  }
  if (fields.at !== undefined) {
    const at = typeof fields.at === 'string' ? new Date(fields.at) : undefined;
    if (!at || Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(fields.at as string))
      return { ok: false, reason: 'consent.at must be an ISO 8601 date-time' };
    if (at.getTime() > now.getTime() + FUTURE_SKEW_MS)
      return { ok: false, reason: 'consent.at is in the future' };
    out.at = at;
  }
  return { ok: true, value: out };
}
