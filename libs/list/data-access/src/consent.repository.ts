// The append-only consent ledger. Inserts tolerate an existing _id (the same
// change recorded by a retry); reads return one subscriber's history in order.
import type { Types } from 'mongoose';
import { insertManyTolerant, type BulkInsertOutcome } from './bulk-insert';
import type { ListModels } from './list-models';
import type { ConsentRecordDoc } from './schemas/consent-record.schema';

export class ConsentRepository {
  constructor(private readonly models: ListModels) {}

  /** Appends the records; ones already there (same change, recorded before) are left alone. */
  append(docs: ConsentRecordDoc[]): Promise<BulkInsertOutcome> {
    return insertManyTolerant(this.models.consentRecords, docs);
  }

  async ofSubscriber(tenantId: string, subscriberId: Types.ObjectId): Promise<ConsentRecordDoc[]> {
    return this.models.consentRecords
      .find({ tenantId, subscriberId })
      .sort({ at: 1, _id: 1 })
      .lean<ConsentRecordDoc[]>()
      .exec();
  }

  async deleteByIds(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.models.consentRecords.deleteMany({ _id: { $in: ids } }).exec();
  }

  /** Removes a subscriber's whole history (erasure); returns how many records went. */
  async deleteOfSubscriber(tenantId: string, subscriberId: Types.ObjectId): Promise<number> {
    const res = await this.models.consentRecords.deleteMany({ tenantId, subscriberId }).exec();
    return res.deletedCount;
  }
}
