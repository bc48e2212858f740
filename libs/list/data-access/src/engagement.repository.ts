// Applies delivery feedback to subscriber documents: open/click counters and
// times, and the soft-bounce streak. Each event is one conditional update of
// one document (matched by _id, and only if the event id is not among the last
// ones applied), in event order, in small batches, so a replayed batch changes
// nothing and FerretDB never sees a large matching update command.
import type { mongo, Types } from 'mongoose';
import type { ListModels } from './list-models';
import type { SubscriberDoc } from './schemas/subscriber.schema';

export type EngagementKind = 'opened' | 'clicked' | 'delivered' | 'soft_bounce';

export interface EngagementChange {
  kind: EngagementKind;
  tenantId: string;
  subscriberId: Types.ObjectId;
  eventId: string;
  at: Date;
}

/**
 * Event ids remembered per subscriber. A replay re-delivers what was not yet
 * committed, i.e. recent events, so a short window is enough.
 */
export const ENGAGEMENT_EVENT_WINDOW = 32;
// Statements per bulk command (see bulk-insert.ts for why FerretDB needs small ones).
const STATEMENTS_PER_BATCH = 20;

type Op = mongo.AnyBulkWriteOperation<mongo.Document>;

/** The driver's update types cannot follow dotted paths into a Mixed field; the shapes here are plain. */
function updateOne(filter: mongo.Filter<mongo.Document>, update: Record<string, unknown>): Op {
  return { updateOne: { filter, update: update as mongo.UpdateFilter<mongo.Document> } };
}

/**
 * The statements for one change: the guarded update, then a trim of the event
 * id window. The trim is a separate `$pop` because FerretDB v1 silently ignores
 * `$push` with `$slice`; `$pop` when the window is over-full works on both servers.
 */
export function engagementStatements(c: EngagementChange, window = ENGAGEMENT_EVENT_WINDOW): Op[] {
  const guard = {
    _id: c.subscriberId,
    tenantId: c.tenantId,
    'engagement.eventIds': { $ne: c.eventId },
  };
  const push = { $push: { 'engagement.eventIds': c.eventId } };
  let update: Op;
  switch (c.kind) {
    case 'opened':
    case 'clicked': {
      const [count, last] =
        c.kind === 'opened' ? ['opens', 'lastOpenAt'] : ['clicks', 'lastClickAt'];
      update = updateOne(guard, {
        $inc: { [`engagement.${count}`]: 1 },
        $max: { [`engagement.${last}`]: c.at },
        $set: { 'engagement.softBounceStreak': 0 },
        ...push,
      });
      break;
    }
    case 'delivered':
      // Only a running streak needs the reset, and only then is the event id worth remembering.
      update = updateOne(
        { ...guard, 'engagement.softBounceStreak': { $gt: 0 } },
        { $set: { 'engagement.softBounceStreak': 0 }, ...push },
      );
      break;
    case 'soft_bounce':
      update = updateOne(guard, { $inc: { 'engagement.softBounceStreak': 1 }, ...push });
      break;
  }
  const trim = updateOne(
    { _id: c.subscriberId, [`engagement.eventIds.${window}`]: { $exists: true } },
    { $pop: { 'engagement.eventIds': -1 } },
  );
  return [update, trim];
}

export class EngagementRepository {
  constructor(private readonly models: ListModels) {}

  /** Applies the changes in order; `afterBatch` runs between commands (Kafka heartbeats). */
  async apply(changes: EngagementChange[], afterBatch?: () => Promise<void>): Promise<void> {
    const ops = changes.flatMap((c) => engagementStatements(c));
    for (let i = 0; i < ops.length; i += STATEMENTS_PER_BATCH) {
      // Ordered: a streak reset and a bounce of the same subscriber must apply in event order.
      await this.models.subscribers.collection.bulkWrite(ops.slice(i, i + STATEMENTS_PER_BATCH), {
        ordered: true,
      });
      await afterBatch?.();
    }
  }

  /** The subscribers among `ids` whose soft-bounce streak has reached `limit`. */
  async streaksAtLeast(
    ids: Types.ObjectId[],
    limit: number,
  ): Promise<Array<Pick<SubscriberDoc, '_id' | 'tenantId' | 'email'>>> {
    if (ids.length === 0) return [];
    return this.models.subscribers
      .find(
        { _id: { $in: ids }, 'engagement.softBounceStreak': { $gte: limit } },
        { _id: 1, tenantId: 1, email: 1 },
      )
      .lean<Array<Pick<SubscriberDoc, '_id' | 'tenantId' | 'email'>>>()
      .exec();
  }
}
