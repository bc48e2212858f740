// SMTP credentials in the service's own MongoDB database (collection
// `credentials`). Username uniqueness is a unique index, so concurrent creates
// cannot both win (FerretDB v1 has no transactions; the index is enough). Only
// find() reads the secret hash, for AUTH; every management read leaves it in
// the database.
import { Schema, type Connection, type Model } from 'mongoose';
import type { SecretHash } from '@postline/submission/domain';
import { credentialExists } from './credential-errors';

export interface CredentialRecord {
  username: string;
  tenantId: string;
  secret: SecretHash;
  allowedSenderDomains: string[];
  maxRecipients: number;
  /** Absent on credentials made before rate limits: the server limits apply. */
  messagesPerMinute?: number;
  recipientsPerMinute?: number;
  enabled: boolean;
  createdAt: Date;
  /** Last management change; absent until the first. */
  updatedAt?: Date;
}

/** A credential without its secret hash: what management reads and answers with. */
export type CredentialSummary = Omit<CredentialRecord, 'secret'>;

/** Fields a management update may set. */
export type CredentialChanges = Partial<
  Pick<
    CredentialRecord,
    | 'allowedSenderDomains'
    | 'maxRecipients'
    | 'messagesPerMinute'
    | 'recipientsPerMinute'
    | 'enabled'
    | 'secret'
  >
>;

const WITHOUT_SECRET = { secret: 0, _id: 0 } as const;

const credentialSchema = new Schema<CredentialRecord>(
  {
    username: { type: String, required: true },
    tenantId: { type: String, required: true },
    secret: {
      algorithm: { type: String, required: true },
      salt: { type: String, required: true },
      hash: { type: String, required: true },
      N: { type: Number, required: true },
      r: { type: Number, required: true },
      p: { type: Number, required: true },
    },
    allowedSenderDomains: { type: [String], required: true },
    maxRecipients: { type: Number, required: true },
    messagesPerMinute: { type: Number, required: false },
    recipientsPerMinute: { type: Number, required: false },
    enabled: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: false },
  },
  { collection: 'credentials', versionKey: false },
);
credentialSchema.index({ username: 1 }, { unique: true });

export class CredentialStore {
  private readonly model: Model<CredentialRecord>;

  constructor(conn: Connection) {
    this.model = conn.model<CredentialRecord>('Credential', credentialSchema);
  }

  async ready(): Promise<void> {
    await this.model.init();
  }

  async create(record: CredentialRecord): Promise<void> {
    try {
      await this.model.create(record);
    } catch (e) {
      if ((e as { code?: number }).code === 11000) throw credentialExists(record.username);
      throw e;
    }
  }

  /** The whole record, secret hash included: for AUTH only. */
  async find(username: string): Promise<CredentialRecord | null> {
    return this.model.findOne({ username }).lean<CredentialRecord>().exec();
  }

  async summary(username: string): Promise<CredentialSummary | null> {
    return this.model.findOne({ username }, WITHOUT_SECRET).lean<CredentialSummary>().exec();
  }

  /** Up to `limit` credentials after the username `after`, in username order. */
  async list(query: {
    tenantId?: string;
    after?: string;
    limit: number;
  }): Promise<CredentialSummary[]> {
    const filter: Record<string, unknown> = {};
    if (query.tenantId) filter.tenantId = query.tenantId;
    if (query.after) filter.username = { $gt: query.after };
    return this.model
      .find(filter, WITHOUT_SECRET)
      .sort({ username: 1 })
      .limit(query.limit)
      .lean<CredentialSummary[]>()
      .exec();
  }

  /**
   * Sets the changes and answers the credential as it then is; null when there is
   * none. An update and a read rather than findOneAndUpdate: FerretDB v1 cannot
   * project that command's answer, and the hash is never to be read here.
   */
  async update(
    username: string,
    changes: CredentialChanges,
    at: Date,
  ): Promise<CredentialSummary | null> {
    const res = await this.model
      .updateOne({ username }, { $set: { ...changes, updatedAt: at } })
      .exec();
    if (res.matchedCount === 0) return null;
    return this.summary(username);
  }
}
