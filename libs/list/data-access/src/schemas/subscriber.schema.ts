// A person (one normalised address) of one tenant, shared by all of the
// tenant's lists. globalStatus is the tenant-wide verdict from delivery
// feedback: anything but active keeps the address out of every send.
import { Schema, type Types } from 'mongoose';

export const GLOBAL_STATUSES = ['active', 'bounced', 'complained', 'blocked'] as const;
export type GlobalStatus = (typeof GLOBAL_STATUSES)[number];

/**
 * What delivery feedback taught about the subscriber. `eventIds` holds the ids
 * of the last events applied (a bounded window): an update applies only when
 * its event id is not in it, which makes a replayed event a no-op without a
 * transaction.
 */
export interface EngagementDoc {
  opens?: number;
  clicks?: number;
  lastOpenAt?: Date;
  lastClickAt?: Date;
  /** Soft bounces in a row; a delivery, open or click resets it. */
  softBounceStreak?: number;
  eventIds?: string[];
}

export interface SubscriberDoc {
  _id: Types.ObjectId;
  tenantId: string;
  /** Normalised by @postline/list/domain (checkEmailAddress), so equality is identity. */
  email: string;
  name: string;
  attributes: Record<string, unknown>;
  globalStatus: GlobalStatus;
  createdAt: Date;
  updatedAt: Date;
  /** Absent until the first delivery event about this subscriber. */
  engagement?: EngagementDoc;
}

export const SubscriberSchema = new Schema<SubscriberDoc>(
  {
    tenantId: { type: String, required: true },
    email: { type: String, required: true },
    name: { type: String, default: '' },
    attributes: { type: Schema.Types.Mixed, default: {} },
    globalStatus: { type: String, enum: GLOBAL_STATUSES, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    engagement: { type: Schema.Types.Mixed },
  },
  // minimize: false keeps `attributes: {}` instead of dropping the field.
  { collection: 'subscribers', versionKey: false, minimize: false },
);
// One subscriber per address and tenant: what makes creation idempotent without transactions.
SubscriberSchema.index({ tenantId: 1, email: 1 }, { unique: true });
// Walking a tenant's subscribers in _id order (recipient streams joined by scan).
SubscriberSchema.index({ tenantId: 1, _id: 1 });
