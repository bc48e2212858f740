// The tenant-wide suppression list. Inserts are keyed by the deterministic _id,
// so replays of the same bounce or a repeated API call change nothing; reads
// are _id lookups ($in over the keys of a page of recipients).
import type { mongo } from 'mongoose';
import { insertManyTolerant, isDuplicateKeyError, type BulkInsertOutcome } from './bulk-insert';
import type { ListModels } from './list-models';
import type { SuppressionDoc } from './schemas/suppression.schema';

export class SuppressionRepository {
  constructor(private readonly models: ListModels) {}

  /** Inserts one; false when the target is suppressed already (the existing entry is kept). */
  async insert(doc: SuppressionDoc): Promise<boolean> {
    try {
      await this.models.suppressions.collection.insertOne(doc as unknown as mongo.Document);
      return true;
    } catch (e) {
      if (isDuplicateKeyError(e)) return false;
      throw e;
    }
  }

  insertMany(docs: SuppressionDoc[]): Promise<BulkInsertOutcome> {
    return insertManyTolerant(this.models.suppressions, docs);
  }

  async find(key: string): Promise<SuppressionDoc | null> {
    return this.models.suppressions.findOne({ _id: key }).lean<SuppressionDoc>().exec();
  }

  /** The entries among `keys` that exist. */
  async findKeys(keys: string[]): Promise<SuppressionDoc[]> {
    if (keys.length === 0) return [];
    return this.models.suppressions
      .find({ _id: { $in: keys } })
      .lean<SuppressionDoc[]>()
      .exec();
  }

  /** Removes one; false when there was none. */
  async delete(key: string): Promise<boolean> {
    const res = await this.models.suppressions.deleteOne({ _id: key }).exec();
    return res.deletedCount === 1;
  }

  /**
   * Turns the address entry into (or creates) an `erased` entry that keeps only
   * the hash: whatever the address was suppressed for before, it is no longer stored.
   */
  async markErased(doc: SuppressionDoc): Promise<void> {
    const { _id, address: _address, ...fields } = doc;
    await this.models.suppressions
      .updateOne({ _id }, { $set: fields, $unset: { address: 1 } }, { upsert: true })
      .exec();
  }

  /** One page of a tenant's entries in _id order, strictly after `after` (a stored key). */
  async page(
    tenantId: string,
    opts: { after?: string; limit: number; reason?: SuppressionDoc['reason'] },
  ): Promise<SuppressionDoc[]> {
    const filter = {
      tenantId,
      ...(opts.reason ? { reason: opts.reason } : {}),
      ...(opts.after ? { _id: { $gt: opts.after } } : {}),
    };
    return this.models.suppressions
      .find(filter)
      .sort({ _id: 1 })
      .limit(opts.limit)
      .lean<SuppressionDoc[]>()
      .exec();
  }
}
