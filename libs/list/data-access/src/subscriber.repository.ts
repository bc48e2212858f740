// Subscribers of a tenant, one per normalised address. Writes are inserts keyed
// by the unique (tenantId, email) index plus targeted updates by _id, never
// transactions, so a retried request converges to the same state.
import type { mongo, Types } from 'mongoose';
import { insertManyTolerant, isDuplicateKeyError, type BulkInsertOutcome } from './bulk-insert';
import type { ListModels } from './list-models';
import type { SubscriberDoc } from './schemas/subscriber.schema';

export type SubscriberData = Pick<SubscriberDoc, 'name' | 'attributes'>;
export type SubscriberView = Pick<
  SubscriberDoc,
  '_id' | 'email' | 'name' | 'attributes' | 'globalStatus'
>;

const VIEW = { _id: 1, email: 1, name: 1, attributes: 1, globalStatus: 1 } as const;
// Updates go out in small batches: one `update` command per batch keeps FerretDB's
// per-command resource use bounded (see bulk-insert.ts) and MongoDB still batches.
const UPDATE_BATCH = 20;

export class SubscriberRepository {
  constructor(private readonly models: ListModels) {}

  async findByEmail(tenantId: string, email: string): Promise<SubscriberDoc | null> {
    return this.models.subscribers.findOne({ tenantId, email }).lean<SubscriberDoc>().exec();
  }

  async findByEmails(tenantId: string, emails: string[]): Promise<Map<string, SubscriberDoc>> {
    if (emails.length === 0) return new Map();
    const docs = await this.models.subscribers
      .find({ tenantId, email: { $in: emails } })
      .lean<SubscriberDoc[]>()
      .exec();
    return new Map(docs.map((d) => [d.email, d]));
  }

  async findById(tenantId: string, id: Types.ObjectId): Promise<SubscriberDoc | null> {
    return this.models.subscribers.findOne({ _id: id, tenantId }).lean<SubscriberDoc>().exec();
  }

  /** Subscribers by id in the tenant; `activeOnly` keeps out bounced, complained and blocked ones. */
  async findByIds(
    tenantId: string,
    ids: Types.ObjectId[],
    activeOnly: boolean,
  ): Promise<Map<string, SubscriberView>> {
    if (ids.length === 0) return new Map();
    const filter = {
      tenantId,
      _id: { $in: ids },
      ...(activeOnly ? { globalStatus: 'active' } : {}),
    };
    const docs = await this.models.subscribers.find(filter, VIEW).lean<SubscriberView[]>().exec();
    return new Map(docs.map((d) => [d._id.toHexString(), d]));
  }

  /**
   * A cursor over the tenant's subscribers matching `filter`, in ascending _id
   * order (unless `unsorted`), strictly after `after`: one query however many
   * documents follow.
   */
  sortedMatching<T extends { _id: Types.ObjectId }>(
    tenantId: string,
    filter: Record<string, unknown>,
    opts: { after?: Types.ObjectId; idsOnly?: boolean; batchSize: number; unsorted?: boolean },
  ): mongo.FindCursor<T> {
    const query = {
      $and: [{ tenantId }, filter, ...(opts.after ? [{ _id: { $gt: opts.after } }] : [])],
    };
    const cursor = this.models.subscribers.collection
      .find<T>(query, { projection: opts.idsOnly ? { _id: 1 } : VIEW })
      .batchSize(opts.batchSize);
    return opts.unsorted ? cursor : cursor.sort({ _id: 1 });
  }

  /** The subscribers among `ids` that match `filter` (view fields, or ids only). */
  async matchingAmong<T extends { _id: Types.ObjectId }>(
    tenantId: string,
    ids: Types.ObjectId[],
    filter: Record<string, unknown>,
    idsOnly = false,
  ): Promise<T[]> {
    if (ids.length === 0) return [];
    return this.models.subscribers.collection
      .find<T>(
        { $and: [{ _id: { $in: ids } }, { tenantId }, filter] },
        { projection: idsOnly ? { _id: 1 } : VIEW },
      )
      .toArray();
  }

  /** Inserts one; false when the address exists already (a concurrent request won). */
  async insert(doc: SubscriberDoc): Promise<boolean> {
    try {
      await this.models.subscribers.collection.insertOne(doc);
      return true;
    } catch (e) {
      if (isDuplicateKeyError(e)) return false;
      throw e;
    }
  }

  insertMany(docs: SubscriberDoc[]): Promise<BulkInsertOutcome> {
    return insertManyTolerant(this.models.subscribers, docs);
  }

  /** Applies new name/attributes by id; returns the ids whose write failed, with the reason. */
  async updateData(
    updates: Array<{ id: Types.ObjectId; data: Partial<SubscriberData> }>,
  ): Promise<Map<string, string>> {
    const failed = new Map<string, string>();
    const now = new Date();
    for (let i = 0; i < updates.length; i += UPDATE_BATCH) {
      const batch = updates.slice(i, i + UPDATE_BATCH);
      const ops = batch.map(({ id, data }) => ({
        updateOne: { filter: { _id: id }, update: { $set: { ...data, updatedAt: now } } },
      }));
      try {
        await this.models.subscribers.collection.bulkWrite(ops, { ordered: false });
      } catch (e) {
        // Report the batch as failed; the rows can be retried as a whole (updates are idempotent).
        for (const { id } of batch) failed.set(id.toHexString(), (e as Error).message);
      }
    }
    return failed;
  }

  /**
   * Sets the given fields (dotted paths allowed, e.g. "attributes.plan") by id,
   * leaving the others; returns the ids whose write failed, with the reason.
   */
  async setFields(
    updates: Array<{ id: Types.ObjectId; fields: Record<string, unknown> }>,
  ): Promise<Map<string, string>> {
    const failed = new Map<string, string>();
    const now = new Date();
    for (let i = 0; i < updates.length; i += UPDATE_BATCH) {
      const batch = updates.slice(i, i + UPDATE_BATCH);
      const ops = batch.map(({ id, fields }) => ({
        updateOne: { filter: { _id: id }, update: { $set: { ...fields, updatedAt: now } } },
      }));
      try {
        await this.models.subscribers.collection.bulkWrite(ops, { ordered: false });
      } catch (e) {
        for (const { id } of batch) failed.set(id.toHexString(), (e as Error).message);
      }
    }
    return failed;
  }

  async delete(id: Types.ObjectId): Promise<void> {
    await this.models.subscribers.deleteOne({ _id: id }).exec();
  }
}
