// Builds stored suppression entries and the JSON view of them, so every path
// that suppresses (API, delivery events, soft-bounce streaks, erasure) writes
// the same shape under the same deterministic key.
import type { SuppressionDoc } from '@postline/list/data-access';
import {
  addressTarget,
  publicSuppressionId,
  SOURCE_MAX_LENGTH,
  suppressionKey,
  type SuppressionReason,
  type SuppressionTarget,
} from '@postline/list/domain';

export interface SuppressionView {
  id: string;
  kind: 'address' | 'domain';
  /** Absent for an erased address, whose entry keeps only `addressHash`. */
  address?: string;
  addressHash?: string;
  domain?: string;
  reason: SuppressionReason;
  source: string;
  createdAt: string;
}

export function suppressionDoc(
  tenantId: string,
  target: SuppressionTarget,
  reason: SuppressionReason,
  source: string,
  at: Date,
): SuppressionDoc {
  const base = {
    _id: suppressionKey(tenantId, target),
    tenantId,
    reason,
    source: source.slice(0, SOURCE_MAX_LENGTH),
    createdAt: at,
  };
  if (target.kind === 'domain') return { ...base, kind: 'domain', domain: target.domain };
  return {
    ...base,
    kind: 'address',
    addressHash: target.hash,
    ...(target.address !== undefined && reason !== 'erased' ? { address: target.address } : {}),
  };
}

/** An address suppressed by Postline itself (bounce, complaint, streak). */
export function addressSuppression(
  tenantId: string,
  address: string,
  reason: SuppressionReason,
  source: string,
  at: Date,
): SuppressionDoc {
  return suppressionDoc(tenantId, addressTarget(address), reason, source, at);
}

export function suppressionView(doc: SuppressionDoc): SuppressionView {
  const target: SuppressionTarget =
    doc.kind === 'domain'
      ? { kind: 'domain', domain: doc.domain ?? '' }
      : { kind: 'address', hash: doc.addressHash ?? '' };
  return {
    id: publicSuppressionId(target),
    kind: doc.kind,
    ...(doc.address !== undefined ? { address: doc.address } : {}),
    ...(doc.addressHash !== undefined ? { addressHash: doc.addressHash } : {}),
    ...(doc.domain !== undefined ? { domain: doc.domain } : {}),
    reason: doc.reason,
    source: doc.source,
    createdAt: new Date(doc.createdAt).toISOString(),
  };
}
