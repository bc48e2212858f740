// A subscriber's place on a list, with the consent state for that list.
// Streams read members in subscriberId order, so that order is indexed and a
// stream can resume after any subscriber id.
import { Schema, type Types } from 'mongoose';

export const MEMBERSHIP_STATUSES = ['unconfirmed', 'subscribed', 'unsubscribed'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

/** The confirmation an unconfirmed (double opt-in) member awaits: the latest link issued. */
export interface PendingConfirmation {
  /** Signed into the link; a newer request replaces it, so older links stop working. */
  nonce: string;
  requestedAt: Date;
  expiresAt: Date;
}

export interface MembershipDoc {
  _id: Types.ObjectId;
  tenantId: string;
  listId: Types.ObjectId;
  subscriberId: Types.ObjectId;
  status: MembershipStatus;
  createdAt: Date;
  /** Double opt-in: set while unconfirmed (kept afterwards, so a replayed link is recognised). */
  confirmation?: PendingConfirmation;
  confirmedAt?: Date;
  /** When and through what (one-click, delivery event, erasure) the member left the list. */
  unsubscribedAt?: Date;
  unsubscribeSource?: string;
}

export const MembershipSchema = new Schema<MembershipDoc>(
  {
    tenantId: { type: String, required: true },
    listId: { type: Schema.Types.ObjectId, required: true },
    subscriberId: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, enum: MEMBERSHIP_STATUSES, required: true },
    createdAt: { type: Date, required: true },
    confirmation: {
      type: new Schema<PendingConfirmation>(
        {
          nonce: { type: String, required: true },
          requestedAt: { type: Date, required: true },
          expiresAt: { type: Date, required: true },
        },
        { _id: false },
      ),
    },
    confirmedAt: { type: Date },
    unsubscribedAt: { type: Date },
    unsubscribeSource: { type: String },
  },
  { collection: 'memberships', versionKey: false },
);
// At most one membership per list and subscriber (idempotent subscribe, also
// paging a whole list by subscriberId).
MembershipSchema.index({ listId: 1, subscriberId: 1 }, { unique: true });
// Streaming and counting the subscribed members of a list, in subscriberId order.
MembershipSchema.index({ tenantId: 1, listId: 1, status: 1, subscriberId: 1 });
