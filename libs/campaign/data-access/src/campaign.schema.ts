// Campaign documents in the campaign service's own database.
import { Schema } from 'mongoose';

export type CampaignState = 'draft' | 'sending' | 'sent' | 'failed';

export interface CampaignTracking {
  clicks: boolean;
  opens: boolean;
}

export interface CampaignDoc {
  _id: string;
  tenantId: string;
  name: string;
  listId: string;
  subject: string;
  fromAddress: string;
  fromName: string;
  template: { templateId: string; version: number };
  sendRatePerSecond: number;
  /**
   * Click and open tracking this campaign asks render for (render's own setting
   * may still forbid it). Absent on campaigns stored before the choice existed: both on.
   */
  tracking?: CampaignTracking;
  status: CampaignState;
  /** Render requests produced so far. */
  recipientsQueued: number;
  /** Cursor of the last recipient produced: a restarted launch resumes after it. */
  launchCursor: string;
  lastError?: string;
  createdAt: Date;
  launchedAt?: Date;
  completedAt?: Date;
}

export const campaignSchema = new Schema<CampaignDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    name: { type: String, required: true },
    listId: { type: String, required: true },
    subject: { type: String, required: true },
    fromAddress: { type: String, required: true },
    fromName: { type: String, default: '' },
    template: {
      templateId: { type: String, required: true },
      version: { type: Number, required: true },
    },
    sendRatePerSecond: { type: Number, required: true },
    tracking: {
      clicks: { type: Boolean, default: true },
      opens: { type: Boolean, default: true },
    },
    status: { type: String, required: true, enum: ['draft', 'sending', 'sent', 'failed'] },
    recipientsQueued: { type: Number, default: 0 },
    launchCursor: { type: String, default: '' },
    lastError: { type: String },
    createdAt: { type: Date, required: true },
    launchedAt: { type: Date },
    completedAt: { type: Date },
  },
  { collection: 'campaigns', versionKey: false },
);
campaignSchema.index({ tenantId: 1, createdAt: -1 });
campaignSchema.index({ status: 1 });
