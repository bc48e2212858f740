// Applies delivery events to per-message documents and counts them for stats.
import type { AnyBulkWriteOperation, Connection, Model } from 'mongoose';
import { deliverySchema, type DeliveryDoc } from './delivery.schema';

export type DeliveryChange =
  | {
      messageId: string;
      campaignId: string;
      status: 'delivered' | 'bounced' | 'deferred';
      final: boolean;
    }
  | {
      messageId: string;
      campaignId: string;
      flag: 'complained' | 'opened' | 'clicked' | 'unsubscribed';
    };

export interface DeliveryCounts {
  delivered: number;
  deferred: number;
  bounced: number;
  complained: number;
  opened: number;
  clicked: number;
  unsubscribed: number;
}

const DUPLICATE_KEY = 11000;
const WRITE_CHUNK = 20;

export class DeliveryRepository {
  private readonly model: Model<DeliveryDoc>;

  constructor(conn: Connection) {
    this.model = conn.model<DeliveryDoc>('Delivery', deliverySchema);
  }

  async init(): Promise<void> {
    await this.model.createIndexes();
  }

  /**
   * Applies a batch of changes. A deferral never overwrites a final outcome: its
   * upsert filter excludes final states, and the duplicate-key error that an
   * upsert then raises against the existing final document is the expected no-op.
   */
  /** `afterChunk` runs between writes (the consumer heartbeats there on long batches). */
  async apply(changes: DeliveryChange[], afterChunk?: () => Promise<void>): Promise<void> {
    if (changes.length === 0) return;
    const now = new Date();
    const ops: AnyBulkWriteOperation<DeliveryDoc>[] = changes.map((c) => {
      if ('flag' in c) {
        return {
          updateOne: {
            filter: { _id: c.messageId },
            update: { $set: { [c.flag]: true, campaignId: c.campaignId, updatedAt: now } },
            upsert: true,
          },
        };
      }
      const filter = c.final
        ? { _id: c.messageId }
        : { _id: c.messageId, status: { $nin: ['delivered', 'bounced'] } };
      return {
        updateOne: {
          filter,
          update: { $set: { status: c.status, campaignId: c.campaignId, updatedAt: now } },
          upsert: true,
        },
      };
    });
    // FerretDB v1 holds a connection per statement of a batched update until the
    // whole command ends; large batches exhaust its pool and stall the server.
    for (let i = 0; i < ops.length; i += WRITE_CHUNK) {
      await this.write(ops.slice(i, i + WRITE_CHUNK));
      await afterChunk?.();
    }
  }

  private async write(ops: AnyBulkWriteOperation<DeliveryDoc>[]): Promise<void> {
    try {
      await this.model.bulkWrite(ops, { ordered: false });
    } catch (e) {
      const writeErrors = (e as { writeErrors?: Array<{ code?: number; err?: { code?: number } }> })
        .writeErrors;
      const onlyDuplicates =
        Array.isArray(writeErrors) &&
        writeErrors.every((w) => (w.code ?? w.err?.code) === DUPLICATE_KEY);
      if (!onlyDuplicates) throw e;
    }
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
