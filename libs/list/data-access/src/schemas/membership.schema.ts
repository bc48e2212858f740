// A subscriber's place on a list, with the consent state for that list.
// Streams read members in subscriberId order, so that order is indexed and a
// stream can resume after any subscriber id.
import { Schema, type Types } from 'mongoose';

export const MEMBERSHIP_STATUSES = ['unconfirmed', 'subscribed', 'unsubscribed'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

export interface MembershipDoc {
  _id: Types.ObjectId;
  tenantId: string;
  listId: Types.ObjectId;
  subscriberId: Types.ObjectId;
  status: MembershipStatus;
  createdAt: Date;
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
