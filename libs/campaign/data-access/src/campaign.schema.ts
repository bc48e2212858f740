// Campaign documents in the campaign service's own database.
import {
  PAUSE_REASONS,
  type GuardCounts,
  type GuardLimits,
  type PauseReason,
} from '@postline/campaign/domain';
import { Schema } from 'mongoose';

/** draft → sending → sent | failed; sending ⇄ paused (the guard or an operator pauses, an operator resumes). */
export type CampaignState = 'draft' | 'sending' | 'paused' | 'sent' | 'failed';
export const CAMPAIGN_STATES: readonly CampaignState[] = [
  'draft',
  'sending',
  'paused',
  'sent',
  'failed',
];

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
  /** Guard limits this campaign set for itself; the service's settings apply to the rest. */
  guardLimits?: Partial<GuardLimits>;
  /** Outcomes of the guard's current window, added in batches by the events consumer. */
  guardCounts?: GuardCounts;
  /** When the current guard window began (absent: at launch). */
  guardWindowStartedAt?: Date;
  /** Why the guard paused the campaign; set only while it is paused. */
  pauseReason?: PauseReason;
  pausedAt?: Date;
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
    status: { type: String, required: true, enum: CAMPAIGN_STATES },
    recipientsQueued: { type: Number, default: 0 },
    launchCursor: { type: String, default: '' },
    lastError: { type: String },
    // No defaults below: an unset limit follows the service setting, even after it changes.
    guardLimits: {
      minAttempts: { type: Number },
      maxHardBounceBasisPoints: { type: Number },
      maxComplaintBasisPoints: { type: Number },
    },
    guardCounts: {
      delivered: { type: Number },
      bounced: { type: Number },
      hardBounced: { type: Number },
      complained: { type: Number },
    },
    guardWindowStartedAt: { type: Date },
    pauseReason: { type: String, enum: PAUSE_REASONS },
    pausedAt: { type: Date },
    createdAt: { type: Date, required: true },
    launchedAt: { type: Date },
    completedAt: { type: Date },
  },
  { collection: 'campaigns', versionKey: false },
);
campaignSchema.index({ tenantId: 1, createdAt: -1 });
campaignSchema.index({ status: 1 });
