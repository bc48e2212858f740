// One entry of the consent ledger: a subscription, a double opt-in request
// and its confirmation, or an unsubscription of one subscriber on one list, with the evidence that came with it. Append-only: a
// record is never updated, only inserted, and deleted only when the subscriber
// is erased. The _id is derived from the membership, the action and its cause,
// so a retried write cannot record the same change twice.
import { Schema, type Types } from 'mongoose';

export const CONSENT_ACTIONS = [
  'subscribed',
  'confirmation_requested',
  'confirmed',
  'unsubscribed',
] as const;
export type ConsentAction = (typeof CONSENT_ACTIONS)[number];

export interface ConsentRecordDoc {
  _id: string;
  tenantId: string;
  subscriberId: Types.ObjectId;
  listId: Types.ObjectId;
  action: ConsentAction;
  /** Through what: "api", "bulk_api", a caller's form name, "double_opt_in", "one_click", "delivery_event", ... */
  source: string;
  at: Date;
  ip?: string;
  userAgent?: string;
  formText?: string;
  /** What caused it, when not the request itself: a delivery event id, a message id. */
  ref?: string;
  recordedAt: Date;
}

export const ConsentRecordSchema = new Schema<ConsentRecordDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    subscriberId: { type: Schema.Types.ObjectId, required: true },
    listId: { type: Schema.Types.ObjectId, required: true },
    action: { type: String, enum: CONSENT_ACTIONS, required: true },
    source: { type: String, required: true },
    at: { type: Date, required: true },
    ip: { type: String },
    userAgent: { type: String },
    formText: { type: String },
    ref: { type: String },
    recordedAt: { type: Date, required: true },
  },
  { collection: 'consent_records', versionKey: false },
);
// A subscriber's history in order (export) and its removal (erasure).
ConsentRecordSchema.index({ tenantId: 1, subscriberId: 1, at: 1 });
