// A mailing list of one tenant. Members live in `memberships`, so a list
// document stays tiny however many subscribers it has.
import { Schema, type Types } from 'mongoose';

/**
 * How a sign-up (REST single subscribe) joins the list: `single` at once,
 * `double` as an unconfirmed member until the person follows the confirmation link.
 */
export const OPTIN_MODES = ['single', 'double'] as const;
export type OptinMode = (typeof OPTIN_MODES)[number];

export interface ListDoc {
  _id: Types.ObjectId;
  tenantId: string;
  name: string;
  /** Absent on lists stored before double opt-in existed: those are `single`. */
  optin?: OptinMode;
  createdAt: Date;
}

export const ListSchema = new Schema<ListDoc>(
  {
    tenantId: { type: String, required: true },
    name: { type: String, required: true },
    optin: { type: String, enum: OPTIN_MODES },
    createdAt: { type: Date, required: true },
  },
  { collection: 'lists', versionKey: false },
);
// Listing a tenant's lists, newest last.
ListSchema.index({ tenantId: 1, _id: 1 });
