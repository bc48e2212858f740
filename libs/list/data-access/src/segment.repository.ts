// Saved segments. Reads and writes of one segment go by _id (and are checked
// against the tenant in code), the lookup FerretDB serves from an index.
import type { Types } from 'mongoose';
import type { ListModels } from './list-models';
import type { SegmentDoc } from './schemas/segment.schema';

export class SegmentRepository {
  constructor(private readonly models: ListModels) {}

  async create(doc: SegmentDoc): Promise<void> {
    await this.models.segments.collection.insertOne(doc);
  }

  async find(tenantId: string, id: Types.ObjectId): Promise<SegmentDoc | null> {
    const doc = await this.models.segments.findOne({ _id: id }).lean<SegmentDoc>().exec();
    return doc && doc.tenantId === tenantId ? doc : null;
  }

  async ofList(tenantId: string, listId: Types.ObjectId): Promise<SegmentDoc[]> {
    return this.models.segments
      .find({ tenantId, listId })
      .sort({ _id: 1 })
      .lean<SegmentDoc[]>()
      .exec();
  }

  async update(
    id: Types.ObjectId,
    fields: Partial<Pick<SegmentDoc, 'name' | 'expression'>>,
    now: Date,
  ): Promise<void> {
    await this.models.segments.collection.updateOne(
      { _id: id },
      { $set: { ...fields, updatedAt: now } },
    );
  }

  async delete(id: Types.ObjectId): Promise<boolean> {
    const res = await this.models.segments.collection.deleteOne({ _id: id });
    return res.deletedCount === 1;
  }
}
