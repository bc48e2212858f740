// A saved segment: a named expression of the segment language over one list's
// members (see @postline/list/domain segment-parser). The text is stored as
// the operator wrote it and compiled when used, so `now` means the time of the
// stream, not of saving.
import { Schema, type Types } from 'mongoose';

export interface SegmentDoc {
  _id: Types.ObjectId;
  tenantId: string;
  listId: Types.ObjectId;
  name: string;
  expression: string;
  createdAt: Date;
  updatedAt: Date;
}

export const SegmentSchema = new Schema<SegmentDoc>(
  {
    tenantId: { type: String, required: true },
    listId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    expression: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'segments', versionKey: false },
);
// A list's segments in creation order.
SegmentSchema.index({ tenantId: 1, listId: 1, _id: 1 });
