// Reads and state transitions of campaigns. Transitions are single conditional
// updates (no transactions needed): launching twice cannot both win.
import type { Connection, Model } from 'mongoose';
import { campaignSchema, type CampaignDoc } from './campaign.schema';

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

  /** Campaigns a previous process was sending when it stopped. */
  async findSending(): Promise<CampaignDoc[]> {
    return this.model.find({ status: 'sending' }).lean<CampaignDoc[]>().exec();
  }
}
