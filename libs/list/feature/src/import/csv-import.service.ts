// CSV import: the request body flows through the CSV reader, row mapping and
// in-file dedupe into chunks that the upsert writer stores, a few chunks at a
// time, while the reader waits (the upload is read only as fast as it is
// written, so memory stays flat however large the file). Everything that can
// refuse the whole file (list, mapping, header) is checked before the job
// record exists; after that, bad rows are reported and the good ones imported.
import { Inject, Injectable } from '@nestjs/common';
import { newObjectId, type ImportJobDoc, type ListDoc } from '@postline/list/data-access';
import {
  CsvFileError,
  ListError,
  ListErrorCode,
  mapRecord,
  parseMapping,
  readCsv,
  resolveMapping,
  RowFingerprints,
  type ColumnMap,
  type CsvItem,
  type ImportMapping,
} from '@postline/list/domain';
import { LOGGER } from '@postline/platform/http';
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { LIST_FEATURE_OPTIONS, LIST_STORE, type ListFeatureOptions } from '../list-feature.options';
import type { ListStore } from '../list-store';
import { ListMetrics } from '../list.metrics';
import { ListsService } from '../lists.service';
import { ChunkedWriter } from '../upsert/chunked-writer';
import { SubscriberUpsertWriter, type UpsertRow } from '../upsert/subscriber-upsert.writer';
import { ImportProgressTracker } from './import-progress';
import { importView, type ImportView } from './import.view';

export interface PreparedImport {
  list: ListDoc;
  mapping: ImportMapping;
}

/** Consent ledger source of rows added by a CSV import. */
export const CSV_IMPORT_SOURCE = 'csv_import';

@Injectable()
export class CsvImportService {
  constructor(
    @Inject(LIST_STORE) private readonly store: ListStore,
    private readonly lists: ListsService,
    private readonly writer: SubscriberUpsertWriter,
    private readonly metrics: ListMetrics,
    @Inject(LIST_FEATURE_OPTIONS) private readonly options: ListFeatureOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** What can be refused before reading a byte of the file: the list and the mapping. */
  async prepare(tenantId: string, listId: string, mappingParam?: string): Promise<PreparedImport> {
    const list = await this.lists.require(tenantId, listId);
    const mapping = parseMapping(mappingParam);
    if (!mapping.ok) throw new ListError(mapping.code, mapping.message);
    return { list, mapping: mapping.value };
  }

  /** Reads the whole body and imports it; resolves with the finished job. */
  async run(prepared: PreparedImport, body: AsyncIterable<Buffer>): Promise<ImportView> {
    const items = readCsv(body, {
      maxRecordBytes: this.options.importMaxRowBytes,
      delimiter: prepared.mapping.delimiter,
    })[Symbol.asyncIterator]();
    const map = await this.readHeader(items, prepared.mapping);
    const job = await this.createJob(prepared.list, map);
    const progress = new ImportProgressTracker(
      this.store.imports,
      job,
      this.options,
      this.logger,
      (n) => this.metrics.importRows.inc({ result: 'failed' }, n),
    );
    const started = Date.now();
    try {
      await this.importRows(prepared.list, map, items, progress);
      await progress.finish('completed');
      this.metrics.imports.inc({ outcome: 'completed' });
    } catch (e) {
      const failure = failureOf(e);
      await progress.finish('failed', failure);
      this.metrics.imports.inc({
        outcome: failure.code === ListErrorCode.UploadInterrupted ? 'interrupted' : 'failed',
      });
      this.logger.warn(
        {
          event: 'import_failed',
          importId: job._id.toHexString(),
          ...failure,
          rows: progress.counts.rows,
        },
        'CSV import stopped',
      );
      throw new ListError(
        failure.code,
        `${failure.message}; import ${job._id.toHexString()} stopped after ${progress.counts.rows} rows — upload the same file again to finish (rows already imported are reported unchanged)`,
      );
    } finally {
      progress.stop();
    }
    this.logger.info(
      {
        event: 'import_done',
        importId: job._id.toHexString(),
        ...progress.counts,
        ms: Date.now() - started,
      },
      'CSV import done',
    );
    return importView(progress.snapshot(), new Date());
  }

  /** The first record names the columns; a file that cannot be mapped is refused as a whole. */
  private async readHeader(
    items: AsyncIterator<CsvItem>,
    mapping: ImportMapping,
  ): Promise<ColumnMap> {
    const first = await next(items);
    if (first === undefined)
      throw new ListError(
        ListErrorCode.InvalidCsv,
        'the file is empty: a header row naming the columns is needed',
      );
    if (first.kind === 'error')
      throw new ListError(
        ListErrorCode.InvalidCsv,
        `the header row (line ${first.line}) cannot be read: ${first.message}`,
      );
    const map = resolveMapping(mapping, first.fields);
    if (!map.ok) throw new ListError(map.code, map.message);
    return map.value;
  }

  private async createJob(list: ListDoc, map: ColumnMap): Promise<ImportJobDoc> {
    const now = new Date();
    const job: ImportJobDoc = {
      _id: newObjectId(),
      tenantId: list.tenantId,
      listId: list._id,
      state: 'running',
      columns: {
        email: map.email.column,
        ...(map.name ? { name: map.name.column } : {}),
        attributes: Object.fromEntries(map.attributes.map((a) => [a.key, a.column])),
      },
      rows: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      failed: 0,
      rowErrors: [],
      errorsTruncated: false,
      startedAt: now,
      heartbeatAt: now,
    };
    await this.store.imports.create(job);
    return job;
  }

  /** Reads, screens and writes every data row; up to `importConcurrency` chunks are written at once. */
  private async importRows(
    list: ListDoc,
    map: ColumnMap,
    items: AsyncIterator<CsvItem>,
    progress: ImportProgressTracker,
  ): Promise<void> {
    const seen = new RowFingerprints();
    const writer = new ChunkedWriter<UpsertRow>(
      (rows) => this.writeChunk(list, rows, progress),
      this.options.importChunkRows,
      this.options.importConcurrency,
    );
    for (
      let item = await next(items);
      item !== undefined && !writer.failed;
      item = await next(items)
    ) {
      const row = this.screen(item, map, seen, progress);
      if (row) await writer.push(row);
    }
    await writer.finish();
  }

  /** One data record: a row to write, or an error recorded on the job. */
  private screen(
    item: CsvItem,
    map: ColumnMap,
    seen: RowFingerprints,
    progress: ImportProgressTracker,
  ): UpsertRow | undefined {
    progress.rowRead();
    if (item.kind === 'error') {
      const code =
        item.problem === 'invalid_utf8' ? ListErrorCode.InvalidUtf8 : ListErrorCode.InvalidCsvRow;
      const column = item.column !== undefined ? map.header[item.column] : undefined;
      const reason =
        column !== undefined
          ? item.message.replace(/^field \d+/, `column ${JSON.stringify(column)}`)
          : item.message;
      progress.rowFailed({ row: item.line, email: '', code, reason });
      return undefined;
    }
    const mapped = mapRecord(item.fields, map);
    if (!mapped.ok) {
      progress.rowFailed({
        row: item.line,
        email: mapped.email,
        code: mapped.problem.code,
        reason: mapped.problem.message,
      });
      return undefined;
    }
    const address = mapped.input.email.address;
    const first = seen.remember(address, item.line);
    if (first !== undefined) {
      progress.rowFailed({
        row: item.line,
        email: address,
        code: ListErrorCode.DuplicateInFile,
        reason: `the address is on line ${first} already; only that row is imported`,
      });
      return undefined;
    }
    return { ref: item.line, input: mapped.input };
  }

  private async writeChunk(
    list: ListDoc,
    rows: UpsertRow[],
    progress: ImportProgressTracker,
  ): Promise<void> {
    const outcome = await this.writer.write(list, rows, CSV_IMPORT_SOURCE);
    for (const e of outcome.errors)
      progress.rowFailed({ row: e.ref, email: e.email, code: e.code, reason: e.reason });
    progress.rowsWritten(outcome);
    this.metrics.importRows.inc({ result: 'created' }, outcome.created);
    this.metrics.importRows.inc({ result: 'updated' }, outcome.updated);
    this.metrics.importRows.inc({ result: 'unchanged' }, outcome.unchanged);
    await progress.maybeSave();
  }

  async find(tenantId: string, importId: Types.ObjectId): Promise<ImportJobDoc | null> {
    return this.store.imports.find(tenantId, importId);
  }

  async ofList(tenantId: string, listId: string, limit: number): Promise<ImportJobDoc[]> {
    const list = await this.lists.require(tenantId, listId);
    return this.store.imports.ofList(tenantId, list._id, limit);
  }
}

async function next(items: AsyncIterator<CsvItem>): Promise<CsvItem | undefined> {
  try {
    const r = await items.next();
    return r.done ? undefined : r.value;
  } catch (e) {
    if (e instanceof CsvFileError) throw new ListError(ListErrorCode.InvalidCsv, e.message);
    if (e instanceof ListError) throw e;
    // The body stream failed: the client went away or the connection broke.
    throw new ListError(
      ListErrorCode.UploadInterrupted,
      `the upload ended before the end of the file (${(e as Error).message})`,
    );
  }
}

function failureOf(e: unknown): { code: ListErrorCode; message: string } {
  if (e instanceof ListError) return { code: e.code, message: e.message };
  return {
    code: ListErrorCode.WriteFailed,
    message: `writing failed: ${(e as Error)?.message ?? e}`,
  };
}
