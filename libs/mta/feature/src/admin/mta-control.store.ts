// Operator decisions that every mta pod must follow, kept in the service's
// MongoDB database: runtime policy overrides (same shape as a policy file
// entry), suspended destinations, and requests to bounce a domain's queue.
// Pods poll these (control-sync.ts), so a decision made through any pod's
// admin API reaches all of them within the poll interval.
import { Schema, type Connection, type Model } from 'mongoose';

export interface PolicyOverrideRecord {
  /** The policy name. */
  _id: string;
  /** The entry as given (durations as text), parsed again on every load. */
  entry: Record<string, unknown>;
  updatedAt: Date;
}

export interface SuspensionRecord {
  /** A domain, a routing key or `policy:<name>`. */
  _id: string;
  reason: string;
  createdAt: Date;
}

export interface BounceRequestRecord {
  _id: string;
  domain: string;
  requestedAt: Date;
}

const overrideSchema = new Schema<PolicyOverrideRecord>(
  {
    _id: { type: String, required: true },
    entry: { type: Schema.Types.Mixed, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'policy_overrides', versionKey: false },
);

const suspensionSchema = new Schema<SuspensionRecord>(
  {
    _id: { type: String, required: true },
    reason: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'suspensions', versionKey: false },
);

const bounceSchema = new Schema<BounceRequestRecord>(
  {
    _id: { type: String, required: true },
    domain: { type: String, required: true },
    requestedAt: { type: Date, required: true },
  },
  { collection: 'bounce_requests', versionKey: false },
);

export class MtaControlStore {
  private readonly overrides: Model<PolicyOverrideRecord>;
  private readonly suspensions: Model<SuspensionRecord>;
  private readonly bounces: Model<BounceRequestRecord>;

  constructor(conn: Connection) {
    this.overrides = conn.model<PolicyOverrideRecord>('PolicyOverride', overrideSchema);
    this.suspensions = conn.model<SuspensionRecord>('Suspension', suspensionSchema);
    this.bounces = conn.model<BounceRequestRecord>('BounceRequest', bounceSchema);
  }

  async policyOverrides(): Promise<PolicyOverrideRecord[]> {
    return this.overrides.find().sort({ _id: 1 }).lean<PolicyOverrideRecord[]>();
  }

  async putPolicyOverride(name: string, entry: Record<string, unknown>): Promise<void> {
    await this.overrides.replaceOne(
      { _id: name },
      { _id: name, entry, updatedAt: new Date() },
      { upsert: true },
    );
  }

  async deletePolicyOverride(name: string): Promise<boolean> {
    return (await this.overrides.deleteOne({ _id: name })).deletedCount > 0;
  }

  async suspended(): Promise<SuspensionRecord[]> {
    return this.suspensions.find().lean<SuspensionRecord[]>();
  }

  async suspend(target: string, reason: string): Promise<void> {
    await this.suspensions.replaceOne(
      { _id: target },
      { _id: target, reason, createdAt: new Date() },
      { upsert: true },
    );
  }

  async resume(target: string): Promise<boolean> {
    return (await this.suspensions.deleteOne({ _id: target })).deletedCount > 0;
  }

  async requestBounce(domain: string, id: string): Promise<void> {
    await this.bounces.create({ _id: id, domain, requestedAt: new Date() });
  }

  /** Bounce requests made after `since` (older ones were handled or expired). */
  async bounceRequestsSince(since: Date): Promise<BounceRequestRecord[]> {
    return this.bounces
      .find({ requestedAt: { $gt: since } })
      .sort({ requestedAt: 1 })
      .lean<BounceRequestRecord[]>();
  }
}
