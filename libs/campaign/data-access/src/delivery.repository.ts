// Applies delivery events to per-message documents and counts them for stats.
// Each write returns the message's outcome before it, so the caller learns by
// how much the event moved its campaign's guard counts (nothing for a repeat).
import {
  nextOutcome,
  outcomeDelta,
  type GuardCounts,
  type MessageOutcome,
  type OutcomeChange,
} from '@postline/campaign/domain';
import type { Connection, Model, UpdateQuery } from 'mongoose';
import { deliverySchema, type DeliveryDoc } from './delivery.schema';

export type DeliveryChange = { messageId: string; campaignId: string } & OutcomeChange;

export interface DeliveryCounts {
  delivered: number;
  deferred: number;
  bounced: number;
  complained: number;
  opened: number;
  clicked: number;
  unsubscribed: number;
}

/** Receives, per applied change, how much it moved its campaign's guard counts. */
export type CountsSink = (campaignId: string, delta: GuardCounts) => void;

const WRITE_CHUNK = 20;

/**
 * The update that stores `nextOutcome` (libs/campaign/domain) for one change.
 * Every update matches by _id alone and upserts, so no write can fail as a
 * duplicate: FerretDB v1 ends an unordered batch at its first write error.
 */
function updateFor(c: DeliveryChange, now: Date): UpdateQuery<DeliveryDoc> {
  const base = { campaignId: c.campaignId, updatedAt: now };
  if ('flag' in c) return { $set: { ...base, [c.flag]: true } };
  if (!c.final) return { $set: base, $setOnInsert: { status: c.status } };
  return {
    $set: {
      ...base,
      status: c.status,
      hardBounce: c.status === 'bounced' && c.hardBounce === true,
    },
  };
}

/** Splits changes into chunks of distinct messages, in order, so one message's changes apply in turn. */
function chunksOfDistinctMessages(changes: DeliveryChange[]): DeliveryChange[][] {
  const chunks: DeliveryChange[][] = [];
  let chunk: DeliveryChange[] = [];
  let ids = new Set<string>();
  for (const change of changes) {
    if (chunk.length >= WRITE_CHUNK || ids.has(change.messageId)) {
      chunks.push(chunk);
      chunk = [];
      ids = new Set();
    }
    chunk.push(change);
    ids.add(change.messageId);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

export class DeliveryRepository {
  private readonly model: Model<DeliveryDoc>;

  constructor(conn: Connection) {
    this.model = conn.model<DeliveryDoc>('Delivery', deliverySchema);
  }

  async init(): Promise<void> {
    await this.model.createIndexes();
  }

  /**
   * Applies a batch of changes, at most 20 writes at a time (each by _id, the
   * one lookup FerretDB v1 indexes). `sink` hears each applied change's count
   * delta as soon as its write is durable, so a later failure in the batch loses
   * none of them; `afterChunk` runs between chunks (the consumer heartbeats there).
   */
  async apply(
    changes: DeliveryChange[],
    sink: CountsSink,
    afterChunk?: () => Promise<void>,
  ): Promise<void> {
    const now = new Date();
    for (const chunk of chunksOfDistinctMessages(changes)) {
      const results = await Promise.allSettled(chunk.map((c) => this.applyOne(c, now, sink)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      await afterChunk?.();
    }
  }

  private async applyOne(c: DeliveryChange, now: Date, sink: CountsSink): Promise<void> {
    const before = await this.model
      .findOneAndUpdate({ _id: c.messageId }, updateFor(c, now), {
        upsert: true,
        returnDocument: 'before',
      })
      .lean<DeliveryDoc>()
      .exec();
    const previous: MessageOutcome | null = before && {
      status: before.status,
      hardBounce: before.hardBounce,
      complained: before.complained,
    };
    sink(c.campaignId, outcomeDelta(previous, nextOutcome(previous, c)));
  }

  async counts(campaignId: string): Promise<DeliveryCounts> {
    const count = (filter: Record<string, unknown>) =>
      this.model.countDocuments({ campaignId, ...filter }).exec();
    const [delivered, deferred, bounced, complained, opened, clicked, unsubscribed] =
      await Promise.all([
        count({ status: 'delivered' }),
        count({ status: 'deferred' }),
        count({ status: 'bounced' }),
        count({ complained: true }),
        count({ opened: true }),
        count({ clicked: true }),
        count({ unsubscribed: true }),
      ]);
    return { delivered, deferred, bounced, complained, opened, clicked, unsubscribed };
  }
}
