// Stores and reads template versions. A save never overwrites: it appends
// version max+1, and two racing saves are ordered by the unique index (the
// loser re-reads the max and tries again).
import type { Connection, Model } from 'mongoose';
import { templateSchema, type TemplateDocument } from './template.schema';

export interface TemplateRecord {
  tenantId: string;
  templateId: string;
  version: number;
  name: string;
  subject: string;
  html: string;
  text: string;
  /** MJML source that `html` was compiled from at save time; empty for HTML templates. */
  mjml: string;
  createdAt: Date;
}

export type NewTemplate = Omit<TemplateRecord, 'version' | 'createdAt'>;

/** Raised when a save keeps losing the version race; the caller may retry later. */
export class TemplateVersionContentionError extends Error {
  readonly code = 'TEMPLATE_VERSION_CONTENTION';
}

const DUPLICATE_KEY = 11000;

export class TemplateRepository {
  private readonly model: Model<TemplateDocument>;

  constructor(
    conn: Connection,
    private readonly maxAttempts = 10,
  ) {
    this.model = conn.model<TemplateDocument>('RenderTemplate', templateSchema);
  }

  /** Builds the indexes before the first save, so uniqueness holds from the start. */
  async init(): Promise<void> {
    await this.model.init();
  }

  /** Appends a new version (1 for a new template) and returns the stored record. */
  async putTemplate(template: NewTemplate): Promise<TemplateRecord> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const latest = await this.latestVersion(template.tenantId, template.templateId);
      const record: TemplateRecord = { ...template, version: latest + 1, createdAt: new Date() };
      try {
        await this.model.create(record);
        return record;
      } catch (e) {
        if ((e as { code?: number }).code !== DUPLICATE_KEY) throw e;
      }
    }
    throw new TemplateVersionContentionError(
      `template ${template.templateId}: no free version after ${this.maxAttempts} attempts`,
    );
  }

  async getTemplate(
    tenantId: string,
    templateId: string,
    version: number,
  ): Promise<TemplateRecord | undefined> {
    const doc = await this.model.findOne({ tenantId, templateId, version }).lean().exec();
    return doc ? toRecord(doc) : undefined;
  }

  /** Highest stored version, 0 when the template does not exist. */
  async latestVersion(tenantId: string, templateId: string): Promise<number> {
    const doc = await this.model
      .findOne({ tenantId, templateId }, { version: 1 })
      .sort({ version: -1 })
      .lean()
      .exec();
    return doc?.version ?? 0;
  }
}

function toRecord(doc: TemplateDocument): TemplateRecord {
  return {
    tenantId: doc.tenantId,
    templateId: doc.templateId,
    version: doc.version,
    name: doc.name ?? '',
    subject: doc.subject,
    html: doc.html ?? '',
    text: doc.text ?? '',
    mjml: doc.mjml ?? '',
    createdAt: doc.createdAt,
  };
}
