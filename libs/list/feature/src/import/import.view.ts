// The JSON shape of an import job (POST answer, GET /v1/imports/:id). A job
// still "running" whose heartbeat stopped belongs to a process that died: it
// is shown as "interrupted", and uploading the same file again finishes it.
import type { ImportJobDoc } from '@postline/list/data-access';

export type ImportViewState = 'running' | 'completed' | 'failed' | 'interrupted';

export interface ImportView {
  id: string;
  listId: string;
  state: ImportViewState;
  columns: ImportJobDoc['columns'];
  /** Data rows read so far (good and bad). */
  rowsProcessed: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  /** The first row errors, by line of the file (the header is line 1). */
  errors: Array<{ row: number; email: string; code: string; reason: string }>;
  errorsTruncated: boolean;
  failure?: { code: string; message: string };
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
}

/** A running job not heard of for this long is shown as interrupted. */
export const IMPORT_STALE_MS = 60_000;

export function importView(job: ImportJobDoc, now: Date): ImportView {
  const stale =
    job.state === 'running' && now.getTime() - job.heartbeatAt.getTime() > IMPORT_STALE_MS;
  return {
    id: job._id.toHexString(),
    listId: job.listId.toHexString(),
    state: stale ? 'interrupted' : job.state,
    columns: job.columns,
    rowsProcessed: job.rows,
    created: job.created,
    updated: job.updated,
    unchanged: job.unchanged,
    failed: job.failed,
    errors: job.rowErrors.map(({ row, email, code, reason }) => ({ row, email, code, reason })),
    errorsTruncated: job.errorsTruncated,
    ...(job.failure ? { failure: job.failure } : {}),
    startedAt: job.startedAt.toISOString(),
    updatedAt: job.heartbeatAt.toISOString(),
    ...(job.finishedAt ? { finishedAt: job.finishedAt.toISOString() } : {}),
  };
}
