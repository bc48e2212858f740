// Suppression: the addresses and whole domains a tenant never sends to, whatever
// list they are on. Entries are keyed deterministically, so adding one twice is
// a no-op (the unique _id is the idempotency key, no transaction needed), and an
// address entry is keyed by a hash of the address: an erased subscriber's
// address can stay suppressed without being stored (GDPR erasure).
import { createHash } from 'node:crypto';
import { checkDomainName, checkEmailAddress } from './email-address';
import { ListErrorCode } from './list-errors';
import type { InputProblem } from './subscriber-input';

export const SUPPRESSION_REASONS = [
  'hard_bounce',
  'soft_bounce',
  'complaint',
  'manual',
  'unsubscribed_all',
  'erased',
] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** Reasons an operator may give through the API; `soft_bounce` and `erased` are only set by Postline. */
export const OPERATOR_REASONS: readonly SuppressionReason[] = [
  'manual',
  'hard_bounce',
  'complaint',
  'unsubscribed_all',
];

export type SuppressionTarget =
  { kind: 'address'; hash: string; address?: string } | { kind: 'domain'; domain: string };

export const SOURCE_MAX_LENGTH = 200;

/**
 * sha256 of the lower-cased address. Lower-cased although the local part is
 * case-sensitive in theory (RFC 5321 §2.4): practically every mailbox provider
 * ignores case, so suppressing "Ann@x" and still mailing "ann@x" would be the
 * worse mistake.
 */
export function addressHash(address: string): string {
  return createHash('sha256').update(address.toLowerCase(), 'utf8').digest('hex');
}

export function addressTarget(address: string): SuppressionTarget {
  return { kind: 'address', hash: addressHash(address), address };
}

/** The id an API caller sees: `a:<sha256>` for an address, `d:<domain>` for a domain. */
export function publicSuppressionId(target: SuppressionTarget): string {
  return target.kind === 'address' ? `a:${target.hash}` : `d:${target.domain}`;
}

/** The stored _id: the tenant (which never contains ":") before the public id. */
export function suppressionKey(tenantId: string, target: SuppressionTarget): string {
  return `${tenantId}:${publicSuppressionId(target)}`;
}

const PUBLIC_ID = /^(?:a:([0-9a-f]{64})|d:(.+))$/;

/** Parses a public id back into its target; undefined when it is not one. */
export function parsePublicSuppressionId(id: string): SuppressionTarget | undefined {
  const m = PUBLIC_ID.exec(id);
  if (!m) return undefined;
  if (m[1]) return { kind: 'address', hash: m[1] };
  const domain = checkDomainName(m[2]);
  return domain.ok && domain.value === m[2] ? { kind: 'domain', domain: domain.value } : undefined;
}

/** The domain of a normalised address (after the last "@": a quoted local part may hold "@"). */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * Every stored key that would suppress this address: its own, its domain's, and
 * each parent domain's down to two labels (suppressing example.com also covers
 * mail.example.com; a lone top-level domain is never a key).
 */
export function suppressionKeysFor(tenantId: string, address: string): string[] {
  const keys = [suppressionKey(tenantId, { kind: 'address', hash: addressHash(address) })];
  const labels = domainOf(address).split('.');
  for (let i = 0; i <= labels.length - 2; i++) {
    keys.push(suppressionKey(tenantId, { kind: 'domain', domain: labels.slice(i).join('.') }));
  }
  return keys;
}

export interface SuppressionInput {
  target: SuppressionTarget;
  reason: SuppressionReason;
  source: string;
}

export type SuppressionInputCheck =
  { ok: true; value: SuppressionInput } | { ok: false; problem: InputProblem };

const FIELDS = ['address', 'domain', 'reason', 'source'];
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

const problem = (code: ListErrorCode, field: string, message: string): SuppressionInputCheck => ({
  ok: false,
  problem: { code, field, message },
});

/** Validates a body of POST /v1/suppressions: exactly one of address/domain, an operator reason. */
export function checkSuppressionInput(body: unknown): SuppressionInputCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return problem(ListErrorCode.InvalidSuppression, 'body', 'body must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).find((k) => !FIELDS.includes(k));
  if (unknown !== undefined) {
    return problem(ListErrorCode.UnknownField, unknown, `property ${unknown} should not exist`);
  }
  const hasAddress = fields.address !== undefined && fields.address !== null;
  const hasDomain = fields.domain !== undefined && fields.domain !== null;
  if (hasAddress === hasDomain) {
    return problem(
      ListErrorCode.InvalidSuppression,
      'address',
      'give exactly one of "address" (one mailbox) or "domain" (every address at that domain)',
    );
  }
  let target: SuppressionTarget;
  if (hasAddress) {
    const email = checkEmailAddress(fields.address);
    if (!email.ok) return problem(ListErrorCode.InvalidEmail, 'address', `address ${email.reason}`);
    target = addressTarget(email.value.address);
  } else {
    const domain = checkDomainName(fields.domain);
    if (!domain.ok)
      return problem(ListErrorCode.InvalidDomain, 'domain', `domain ${domain.reason}`);
    target = { kind: 'domain', domain: domain.value };
  }
  const reason = fields.reason ?? 'manual';
  if (typeof reason !== 'string' || !OPERATOR_REASONS.includes(reason as SuppressionReason)) {
    return problem(
      ListErrorCode.InvalidReason,
      'reason',
      `reason must be one of ${OPERATOR_REASONS.join(', ')}`,
    );
  }
  const source = fields.source ?? 'api';
  if (
    typeof source !== 'string' ||
    source.trim() === '' ||
    source.length > SOURCE_MAX_LENGTH ||
    CONTROL.test(source)
  ) {
    return problem(
      ListErrorCode.InvalidSuppression,
      'source',
      `source must be a non-empty string of at most ${SOURCE_MAX_LENGTH} characters without control characters`,
    );
  }
  return {
    ok: true,
    value: { target, reason: reason as SuppressionReason, source: source.trim() },
  };
}
