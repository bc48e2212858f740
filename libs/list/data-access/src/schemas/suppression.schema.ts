// One suppressed address or domain of a tenant. The _id is the deterministic
// key from @postline/list/domain (tenant + "a:<sha256 of the address>" or
// "d:<domain>"), so a second suppression of the same target is a duplicate-key
// no-op, and a recipient is checked with _id lookups only (the one query
// FerretDB v1 serves from an index).
import { Schema } from 'mongoose';
import { SUPPRESSION_REASONS, type SuppressionReason } from '@postline/list/domain';

export interface SuppressionDoc {
  _id: string;
  tenantId: string;
  kind: 'address' | 'domain';
  /** The address as normalised; absent for an erased subscriber, whose entry keeps only the hash. */
  address?: string;
  addressHash?: string;
  domain?: string;
  reason: SuppressionReason;
  /** Who or what suppressed: "api" (or the caller's text), "event:<delivery event id>", "erasure", ... */
  source: string;
  createdAt: Date;
}

export const SuppressionSchema = new Schema<SuppressionDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    kind: { type: String, enum: ['address', 'domain'], required: true },
    address: { type: String },
    addressHash: { type: String },
    domain: { type: String },
    reason: { type: String, enum: SUPPRESSION_REASONS, required: true },
    source: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'suppressions', versionKey: false },
);
// Paging a tenant's entries in _id order.
SuppressionSchema.index({ tenantId: 1, _id: 1 });
