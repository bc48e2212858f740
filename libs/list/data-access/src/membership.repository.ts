// Who is on which list, with the per-list consent state. Recipient streams and
// operator paging both walk a list in subscriberId order, resuming after a
// cursor, so no page ever needs skip/offset.
import type { mongo, Types } from 'mongoose';
import { insertManyTolerant, isDuplicateKeyError, type BulkInsertOutcome } from './bulk-insert';
import type { ListModels } from './list-models';
import type {
  MembershipDoc,
  MembershipStatus,
  PendingConfirmation,
} from './schemas/membership.schema';

export type MembershipRef = Pick<MembershipDoc, '_id' | 'subscriberId' | 'status'>;

// Statements per update command (see bulk-insert.ts for why FerretDB needs small ones).
const UPDATE_BATCH = 20;

export class MembershipRepository {
  constructor(private readonly models: ListModels) {}

  async find(listId: Types.ObjectId, subscriberId: Types.ObjectId): Promise<MembershipDoc | null> {
    return this.models.memberships.findOne({ listId, subscriberId }).lean<MembershipDoc>().exec();
  }

  /** Status of each given subscriber on the list, keyed by subscriber id (hex). */
  async statusesOf(
    listId: Types.ObjectId,
    subscriberIds: Types.ObjectId[],
  ): Promise<Map<string, MembershipStatus>> {
    if (subscriberIds.length === 0) return new Map();
    const docs = await this.models.memberships
      .find({ listId, subscriberId: { $in: subscriberIds } }, { subscriberId: 1, status: 1 })
      .lean<MembershipRef[]>()
      .exec();
    return new Map(docs.map((d) => [d.subscriberId.toHexString(), d.status]));
  }

  /** Inserts one; false when the subscriber is on the list already. */
  async insert(doc: MembershipDoc): Promise<boolean> {
    try {
      await this.models.memberships.collection.insertOne(doc);
      return true;
    } catch (e) {
      if (isDuplicateKeyError(e)) return false;
      throw e;
    }
  }

  insertMany(docs: MembershipDoc[]): Promise<BulkInsertOutcome> {
    return insertManyTolerant(this.models.memberships, docs);
  }

  /**
   * Replaces the confirmation an unconfirmed member awaits, only while it still
   * awaits `expected` (none: `undefined`); false when the member was confirmed,
   * left, or got another link meanwhile. Swapping the arguments undoes it.
   */
  async replaceConfirmation(
    id: Types.ObjectId,
    expected: PendingConfirmation | undefined,
    next: PendingConfirmation | undefined,
  ): Promise<boolean> {
    const res = await this.models.memberships.collection.updateOne(
      {
        _id: id,
        status: 'unconfirmed',
        ...(expected
          ? { 'confirmation.nonce': expected.nonce }
          : { confirmation: { $exists: false } }),
      },
      next ? { $set: { confirmation: next } } : { $unset: { confirmation: '' } },
    );
    return res.matchedCount === 1;
  }

  /**
   * Unconfirmed → subscribed, only for the confirmation `nonce` names; false
   * when the member is no longer awaiting it (confirmed already, superseded, left).
   */
  async markConfirmed(id: Types.ObjectId, nonce: string, at: Date): Promise<boolean> {
    const res = await this.models.memberships.collection.updateOne(
      { _id: id, status: 'unconfirmed', 'confirmation.nonce': nonce },
      { $set: { status: 'subscribed', confirmedAt: at } },
    );
    return res.matchedCount === 1;
  }

  /** Every membership of the given subscribers in the tenant, any status. */
  async ofSubscribers(tenantId: string, subscriberIds: Types.ObjectId[]): Promise<MembershipDoc[]> {
    if (subscriberIds.length === 0) return [];
    return this.models.memberships
      .find({ tenantId, subscriberId: { $in: subscriberIds } })
      .lean<MembershipDoc[]>()
      .exec();
  }

  /**
   * Sets status "unsubscribed" on each membership not unsubscribed yet; one that
   * is keeps its original time and source, so a replay changes nothing.
   */
  async markUnsubscribed(
    changes: Array<{ id: Types.ObjectId; at: Date }>,
    source: string,
  ): Promise<void> {
    for (let i = 0; i < changes.length; i += UPDATE_BATCH) {
      const ops = changes.slice(i, i + UPDATE_BATCH).map(({ id, at }) => ({
        updateOne: {
          filter: { _id: id, status: { $ne: 'unsubscribed' } },
          update: {
            $set: { status: 'unsubscribed', unsubscribedAt: at, unsubscribeSource: source },
          },
        },
      }));
      await this.models.memberships.collection.bulkWrite(ops, { ordered: false });
    }
  }

  /** The subscribed members' ids of a list above `after`, in no particular order (no sort on the server). */
  subscribedIds(
    tenantId: string,
    listId: Types.ObjectId,
    opts: { after?: Types.ObjectId; batchSize: number },
  ): mongo.FindCursor<{ subscriberId: Types.ObjectId }> {
    const filter = {
      tenantId,
      listId,
      status: 'subscribed',
      ...(opts.after ? { subscriberId: { $gt: opts.after } } : {}),
    };
    return this.models.memberships.collection
      .find<{ subscriberId: Types.ObjectId }>(filter, { projection: { _id: 0, subscriberId: 1 } })
      .batchSize(opts.batchSize);
  }

  /** The ids among `subscriberIds` that are subscribed members of the list (hex). */
  async subscribedAmong(
    tenantId: string,
    listId: Types.ObjectId,
    subscriberIds: Types.ObjectId[],
  ): Promise<Set<string>> {
    if (subscriberIds.length === 0) return new Set();
    const docs = await this.models.memberships
      .find(
        { tenantId, listId, status: 'subscribed', subscriberId: { $in: subscriberIds } },
        { subscriberId: 1 },
      )
      .lean<Array<{ subscriberId: Types.ObjectId }>>()
      .exec();
    return new Set(docs.map((d) => d.subscriberId.toHexString()));
  }

  async deleteOfSubscriber(tenantId: string, subscriberId: Types.ObjectId): Promise<void> {
    await this.models.memberships.deleteMany({ tenantId, subscriberId }).exec();
  }

  async deleteByIds(ids: Types.ObjectId[]): Promise<void> {
    if (ids.length > 0) await this.models.memberships.deleteMany({ _id: { $in: ids } }).exec();
  }

  async countByStatus(
    tenantId: string,
    listId: Types.ObjectId,
    status: MembershipStatus,
  ): Promise<number> {
    return this.models.memberships.countDocuments({ tenantId, listId, status }).exec();
  }

  /**
   * One page of a list's members in ascending subscriberId order, strictly after
   * `after`; only those with `status` when given.
   */
  async page(
    tenantId: string,
    listId: Types.ObjectId,
    opts: { after?: Types.ObjectId; limit: number; status?: MembershipStatus },
  ): Promise<MembershipRef[]> {
    const filter = {
      tenantId,
      listId,
      ...(opts.status ? { status: opts.status } : {}),
      ...(opts.after ? { subscriberId: { $gt: opts.after } } : {}),
    };
    return this.models.memberships
      .find(filter, { subscriberId: 1, status: 1 })
      .sort({ subscriberId: 1 })
      .limit(opts.limit)
      .lean<MembershipRef[]>()
      .exec();
  }
}
