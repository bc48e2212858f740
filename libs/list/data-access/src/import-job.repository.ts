// Import job records: created once the file's header is accepted, updated by
// _id (the one lookup FerretDB serves from an index) as chunks complete.
import type { Types } from 'mongoose';
import type { ListModels } from './list-models';
import type { ImportJobDoc } from './schemas/import-job.schema';

export type ImportProgress = Partial<
  Pick<
    ImportJobDoc,
    | 'state'
    | 'rows'
    | 'created'
    | 'updated'
    | 'unchanged'
    | 'failed'
    | 'rowErrors'
    | 'errorsTruncated'
    | 'failure'
    | 'finishedAt'
  >
>;

export class ImportJobRepository {
  constructor(private readonly models: ListModels) {}

  async create(doc: ImportJobDoc): Promise<void> {
    await this.models.importJobs.collection.insertOne(doc);
  }

  /** Writes the job's progress and moves its heartbeat. */
  async save(id: Types.ObjectId, progress: ImportProgress, now = new Date()): Promise<void> {
    await this.models.importJobs.collection.updateOne(
      { _id: id },
      { $set: { ...progress, heartbeatAt: now } },
    );
  }

  async find(tenantId: string, id: Types.ObjectId): Promise<ImportJobDoc | null> {
    const doc = await this.models.importJobs.findOne({ _id: id }).lean<ImportJobDoc>().exec();
    return doc && doc.tenantId === tenantId ? doc : null;
  }

  /** A list's imports, newest first. */
  async ofList(tenantId: string, listId: Types.ObjectId, limit: number): Promise<ImportJobDoc[]> {
    return this.models.importJobs
      .find({ tenantId, listId })
      .sort({ _id: -1 })
      .limit(limit)
      .lean<ImportJobDoc[]>()
      .exec();
  }
}
