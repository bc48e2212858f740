// A mailing list of one tenant. Members live in `memberships`, so a list
// document stays tiny however many subscribers it has.
import { Schema, type Types } from 'mongoose';

export interface ListDoc {
  _id: Types.ObjectId;
  tenantId: string;
  name: string;
  createdAt: Date;
}

export const ListSchema = new Schema<ListDoc>(
  {
    tenantId: { type: String, required: true },
    name: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'lists', versionKey: false },
);
// Listing a tenant's lists, newest last.
ListSchema.index({ tenantId: 1, _id: 1 });
