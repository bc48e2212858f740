// One document per message of a campaign, written from delivery events. Keyed by
// message id, so a re-delivered event updates the same document (idempotent).
import { Schema } from 'mongoose';

export interface DeliveryDoc {
  _id: string;
  campaignId: string;
  status?: 'deferred' | 'delivered' | 'bounced';
  /** With a bounced status: the bounce was permanent for the address (the guard counts these). */
  hardBounce?: boolean;
  complained?: boolean;
  opened?: boolean;
  clicked?: boolean;
  unsubscribed?: boolean;
  updatedAt: Date;
}

export const deliverySchema = new Schema<DeliveryDoc>(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    status: { type: String, enum: ['deferred', 'delivered', 'bounced'] },
    hardBounce: Boolean,
    complained: Boolean,
    opened: Boolean,
    clicked: Boolean,
    unsubscribed: Boolean,
    updatedAt: { type: Date, required: true },
  },
  { collection: 'deliveries', versionKey: false },
);
deliverySchema.index({ campaignId: 1, status: 1 });
