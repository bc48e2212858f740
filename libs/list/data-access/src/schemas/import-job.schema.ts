// One CSV import into one list: its state, running counts and the first row
// errors, updated as chunks are written so that GET /v1/imports/:id shows
// progress while the upload is still streaming. `heartbeatAt` moves while the
// import runs; a running import whose heartbeat stopped (its process died) is
// shown as interrupted.
import { Schema, type Types } from 'mongoose';

export const IMPORT_STATES = ['running', 'completed', 'failed'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

export interface ImportRowErrorDoc {
  /** Line of the file where the row starts (the header is line 1). */
  row: number;
  email: string;
  code: string;
  reason: string;
}

export interface ImportCounts {
  /** Data rows read so far, good and bad. */
  rows: number;
  /** Rows that added their subscriber to the list. */
  created: number;
  /** Rows already on the list whose name or attributes changed. */
  updated: number;
  /** Rows already on the list with nothing to change. */
  unchanged: number;
  failed: number;
}

export interface ImportJobDoc extends ImportCounts {
  _id: Types.ObjectId;
  tenantId: string;
  listId: Types.ObjectId;
  state: ImportState;
  /** The columns used: email, name and attribute key → column. */
  columns: { email: string; name?: string; attributes: Record<string, string> };
  /** The first row errors (`errors` is a name Mongoose reserves). */
  rowErrors: ImportRowErrorDoc[];
  /** More rows failed than `rowErrors` holds. */
  errorsTruncated: boolean;
  /** Why a failed import stopped. */
  failure?: { code: string; message: string };
  startedAt: Date;
  heartbeatAt: Date;
  finishedAt?: Date;
}

export const ImportJobSchema = new Schema<ImportJobDoc>(
  {
    tenantId: { type: String, required: true },
    listId: { type: Schema.Types.ObjectId, required: true },
    state: { type: String, enum: IMPORT_STATES, required: true },
    columns: { type: Schema.Types.Mixed, required: true },
    rows: { type: Number, required: true },
    created: { type: Number, required: true },
    updated: { type: Number, required: true },
    unchanged: { type: Number, required: true },
    failed: { type: Number, required: true },
    rowErrors: { type: Schema.Types.Mixed, required: true },
    errorsTruncated: { type: Boolean, required: true },
    failure: { type: Schema.Types.Mixed },
    startedAt: { type: Date, required: true },
    heartbeatAt: { type: Date, required: true },
    finishedAt: { type: Date },
  },
  { collection: 'import_jobs', versionKey: false, minimize: false },
);
// A list's imports, newest first.
ImportJobSchema.index({ tenantId: 1, listId: 1, _id: -1 });
