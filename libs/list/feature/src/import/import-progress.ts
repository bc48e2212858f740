// The running state of one import (counts, the first row errors) and how it
// reaches the job record: saved after chunks at most every so often, and on a
// timer while the upload is slow, so that a reader of GET /v1/imports/:id
// sees progress and a live heartbeat; finished with the final state.
import type {
  ImportCounts,
  ImportJobDoc,
  ImportJobRepository,
  ImportRowErrorDoc,
  ImportState,
} from '@postline/list/data-access';
import type { Logger } from 'pino';
import { LowestErrors } from '../upsert/lowest-errors';

export interface ProgressOptions {
  /** Row errors kept on the job record (all are counted). */
  importMaxReportedErrors: number;
  /** Least time between two progress writes. */
  importProgressIntervalMs: number;
}

export class ImportProgressTracker {
  readonly counts: ImportCounts = { rows: 0, created: 0, updated: 0, unchanged: 0, failed: 0 };
  private readonly errors: LowestErrors<ImportRowErrorDoc>;
  private lastSave = 0;
  private saving: Promise<void> = Promise.resolve();
  private readonly heartbeat: NodeJS.Timeout;
  private state: ImportState = 'running';
  private failure?: { code: string; message: string };
  private finishedAt?: Date;

  constructor(
    private readonly repo: Pick<ImportJobRepository, 'save'>,
    private readonly job: ImportJobDoc,
    private readonly options: ProgressOptions,
    private readonly logger: Logger,
    private readonly onFailed: (n: number) => void = () => undefined,
  ) {
    this.errors = new LowestErrors(options.importMaxReportedErrors, (e) => e.row);
    // A slow upload may write no chunk for a while; the heartbeat still tells readers it is alive.
    this.heartbeat = setInterval(
      () => void this.save(),
      Math.max(1000, options.importProgressIntervalMs * 10),
    );
    this.heartbeat.unref();
  }

  rowRead(): void {
    this.counts.rows++;
  }

  rowFailed(error: ImportRowErrorDoc): void {
    this.counts.failed++;
    this.onFailed(1);
    this.errors.add(error);
  }

  rowsWritten(n: Pick<ImportCounts, 'created' | 'updated' | 'unchanged'>): void {
    this.counts.created += n.created;
    this.counts.updated += n.updated;
    this.counts.unchanged += n.unchanged;
  }

  /** Saves unless the last save was too recent. */
  async maybeSave(now = Date.now()): Promise<void> {
    if (now - this.lastSave < this.options.importProgressIntervalMs) return;
    await this.save();
  }

  async finish(state: ImportState, failure?: { code: string; message: string }): Promise<void> {
    this.state = state;
    this.failure = failure;
    this.finishedAt = new Date();
    await this.save();
  }

  stop(): void {
    clearInterval(this.heartbeat);
  }

  /** The job as it stands, for the answer to the upload. */
  snapshot(): ImportJobDoc {
    return {
      ...this.job,
      ...this.counts,
      state: this.state,
      rowErrors: this.errors.list(),
      errorsTruncated: this.errors.truncated,
      heartbeatAt: new Date(),
      ...(this.failure ? { failure: this.failure } : {}),
      ...(this.finishedAt ? { finishedAt: this.finishedAt } : {}),
    };
  }

  /** Saves are chained, so a late one can never overwrite a newer one. */
  private save(): Promise<void> {
    this.lastSave = Date.now();
    const {
      _id,
      tenantId: _t,
      listId: _l,
      columns: _c,
      startedAt: _s,
      heartbeatAt: _h,
      ...progress
    } = this.snapshot();
    this.saving = this.saving
      .then(() => this.repo.save(_id, progress))
      .catch((err: unknown) =>
        // Progress is informative; the import goes on, and the next save carries it.
        this.logger.warn(
          { event: 'import_progress_save_failed', importId: _id.toHexString(), err },
          'saving import progress failed',
        ),
      );
    return this.saving;
  }
}
