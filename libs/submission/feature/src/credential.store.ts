// SMTP credentials in the service's own MongoDB database (collection
// `credentials`). Username uniqueness is a unique index, so concurrent creates
// cannot both win (FerretDB v1 has no transactions; the index is enough).
import { Schema, type Connection, type Model } from 'mongoose';
import type { SecretHash } from '@postline/submission/domain';

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
}

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
  },
  { collection: 'credentials', versionKey: false },
);
credentialSchema.index({ username: 1 }, { unique: true });

export class DuplicateUsernameError extends Error {
  readonly code = 'CREDENTIAL_EXISTS';
  constructor(username: string) {
    super(`a credential named ${username} already exists`);
    this.name = 'DuplicateUsernameError';
  }
}

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
      if ((e as { code?: number }).code === 11000)
        throw new DuplicateUsernameError(record.username);
      throw e;
    }
  }

  async find(username: string): Promise<CredentialRecord | null> {
    return this.model.findOne({ username }).lean<CredentialRecord>().exec();
  }
}
