// Reads and state transitions of campaigns. Transitions are single conditional
// updates (no transactions needed): launching twice cannot both win.
import type { GuardCounts, GuardLimits, PauseReason } from '@postline/campaign/domain';
import type { Connection, Model } from 'mongoose';
import { campaignSchema, type CampaignDoc } from './campaign.schema';

export interface ResumeChanges {
  /** Limits to set on the campaign (the others keep their value). */
  limits?: Partial<GuardLimits>;
  /** Start a new guard window: the counts so far are dropped. */
  resetWindow: boolean;
  at: Date;
}

export class CampaignRepository {
  private readonly model: Model<CampaignDoc>;

  constructor(conn: Connection) {
    this.model = conn.model<CampaignDoc>('Campaign', campaignSchema);
  }

  async init(): Promise<void> {
    await this.model.createIndexes();
  }

  async insert(doc: CampaignDoc): Promise<CampaignDoc> {
    await this.model.create(doc);
    return doc;
  }

  async find(tenantId: string, id: string): Promise<CampaignDoc | null> {
    return this.model.findOne({ _id: id, tenantId }).lean<CampaignDoc>().exec();
  }

  /** draft → sending; null when the campaign is not (or no longer) a draft. */
  async markSending(tenantId: string, id: string, at: Date): Promise<CampaignDoc | null> {
    return this.model
      .findOneAndUpdate(
        { _id: id, tenantId, status: 'draft' },
        { $set: { status: 'sending', launchedAt: at } },
        { new: true },
      )
      .lean<CampaignDoc>()
      .exec();
  }

  async recordProgress(id: string, cursor: string, produced: number): Promise<void> {
    await this.model
      .updateOne(
        { _id: id },
        { $set: { launchCursor: cursor }, $inc: { recipientsQueued: produced } },
      )
      .exec();
  }

  async finish(id: string, status: 'sent' | 'failed', at: Date, error?: string): Promise<void> {
    await this.model
      .updateOne(
        { _id: id, status: 'sending' },
        { $set: { status, completedAt: at, ...(error ? { lastError: error } : {}) } },
      )
      .exec();
  }

  async findById(id: string): Promise<CampaignDoc | null> {
    return this.model.findById(id).lean<CampaignDoc>().exec();
  }

  /**
   * Adds a batch of outcome counts to the campaign's guard window (one write per
   * campaign per consumer batch, by _id); the campaign as it is afterwards, or
   * null when no such campaign exists.
   */
  async addGuardCounts(id: string, delta: GuardCounts): Promise<CampaignDoc | null> {
    return this.model
      .findOneAndUpdate(
        { _id: id },
        {
          $inc: {
            'guardCounts.delivered': delta.delivered,
            'guardCounts.bounced': delta.bounced,
            'guardCounts.hardBounced': delta.hardBounced,
            'guardCounts.complained': delta.complained,
          },
        },
        { new: true },
      )
      .lean<CampaignDoc>()
      .exec();
  }

  /** sending → paused with the guard's reason; null when the campaign is not sending. */
  async markPaused(id: string, reason: PauseReason, at: Date): Promise<CampaignDoc | null> {
    return this.model
      .findOneAndUpdate(
        { _id: id, status: 'sending' },
        { $set: { status: 'paused', pauseReason: reason, pausedAt: at } },
        { new: true },
      )
      .lean<CampaignDoc>()
      .exec();
  }

  /** paused → sending with the operator's changes; null when the campaign is not paused. */
  async markResumed(
    tenantId: string,
    id: string,
    { limits, resetWindow, at }: ResumeChanges,
  ): Promise<CampaignDoc | null> {
    const set: Record<string, unknown> = { status: 'sending' };
    for (const [key, value] of Object.entries(limits ?? {})) {
      if (value !== undefined) set[`guardLimits.${key}`] = value;
    }
    if (resetWindow) {
      set.guardCounts = { delivered: 0, bounced: 0, hardBounced: 0, complained: 0 };
      set.guardWindowStartedAt = at;
    }
    return this.model
      .findOneAndUpdate(
        { _id: id, tenantId, status: 'paused' },
        { $set: set, $unset: { pauseReason: 1, pausedAt: 1 } },
        { new: true },
      )
      .lean<CampaignDoc>()
      .exec();
  }

  /** Campaigns a previous process was sending when it stopped. */
  async findSending(): Promise<CampaignDoc[]> {
    return this.model.find({ status: 'sending' }).lean<CampaignDoc[]>().exec();
  }
}
