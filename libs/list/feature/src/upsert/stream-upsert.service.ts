// gRPC UpsertSubscribers (client streaming): the caller's rows are read at the
// pace they are written, checked one by one (a bad row is reported by its
// position, never failing the others), deduplicated within the stream and
// written in chunks by the same upsert writer as the CSV import.
import { Inject, Injectable } from '@nestjs/common';
import type { listV1 } from '@postline/contracts';
import type { ListDoc } from '@postline/list/data-access';
import {
  checkSubscriberInput,
  ListError,
  ListErrorCode,
  RowFingerprints,
} from '@postline/list/domain';
import { LOGGER } from '@postline/platform/http';
import type { Logger } from 'pino';
import { LIST_FEATURE_OPTIONS, type ListFeatureOptions } from '../list-feature.options';
import { ListMetrics } from '../list.metrics';
import { ListsService } from '../lists.service';
import { ChunkedWriter } from './chunked-writer';
import { LowestErrors } from './lowest-errors';
import { SubscriberUpsertWriter, type UpsertRow } from './subscriber-upsert.writer';

/** Consent ledger source of rows that carry no consent source of their own. */
export const GRPC_UPSERT_SOURCE = 'grpc_upsert';

type Counts = Pick<listV1.UpsertSubscribersResponse, 'rows' | 'created' | 'updated' | 'unchanged'>;

@Injectable()
export class StreamUpsertService {
  constructor(
    private readonly lists: ListsService,
    private readonly writer: SubscriberUpsertWriter,
    private readonly metrics: ListMetrics,
    @Inject(LIST_FEATURE_OPTIONS) private readonly options: ListFeatureOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Reads the whole stream. `tenantOf` checks the target's tenant (the gRPC
   * rule); `cancelled` tells when the caller gave up, to stop reading early.
   */
  async run(
    messages: AsyncIterable<listV1.UpsertSubscribersRequest>,
    tenantOf: (target: listV1.UpsertTarget) => string,
    cancelled: () => boolean,
  ): Promise<listV1.UpsertSubscribersResponse> {
    const iterator = messages[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done || first.value.item?.$case !== 'target')
      throw new ListError(
        ListErrorCode.InvalidRow,
        'the first message must be the target (tenant_id, list_id); rows follow it',
      );
    const target = first.value.item.value;
    const list = await this.lists.require(tenantOf(target), target.listId);
    const counts: Counts = { rows: 0, created: 0, updated: 0, unchanged: 0 };
    const errors = new LowestErrors<listV1.RowError>(
      this.options.importMaxReportedErrors,
      (e) => e.index,
    );
    const writer = new ChunkedWriter<UpsertRow>(
      (rows) => this.write(list, rows, counts, errors),
      this.options.importChunkRows,
      this.options.importConcurrency,
    );
    const seen = new RowFingerprints();
    for (
      let m = await iterator.next();
      !m.done && !writer.failed && !cancelled();
      m = await iterator.next()
    ) {
      const index = counts.rows++;
      const row = screen(m.value, index, seen, (e) => errors.add(e));
      if (row) await writer.push(row);
    }
    try {
      await writer.finish();
    } catch (e) {
      const reason = e instanceof ListError ? e.message : (e as Error).message;
      throw new ListError(
        e instanceof ListError ? e.code : ListErrorCode.WriteFailed,
        `${reason}; stopped after ${counts.rows} rows — send the rows again (rows already written are reported unchanged)`,
      );
    }
    this.metrics.written('failed', errors.count);
    this.logger.info(
      {
        event: 'stream_upsert',
        tenantId: list.tenantId,
        listId: list._id.toHexString(),
        ...counts,
        failed: errors.count,
      },
      'UpsertSubscribers done',
    );
    return {
      ...counts,
      failed: errors.count,
      errors: errors.list(),
      errorsTruncated: errors.truncated,
    };
  }

  private async write(
    list: ListDoc,
    rows: UpsertRow[],
    counts: Counts,
    errors: LowestErrors<listV1.RowError>,
  ): Promise<void> {
    const outcome = await this.writer.write(list, rows, GRPC_UPSERT_SOURCE);
    counts.created += outcome.created;
    counts.updated += outcome.updated;
    counts.unchanged += outcome.unchanged;
    for (const e of outcome.errors)
      errors.add({ index: e.ref - 1, email: e.email, code: e.code, reason: e.reason });
    this.metrics.written('created', outcome.created);
    // As for bulk subscribe, "updated" counts rows already on the list, changed or not.
    this.metrics.written('updated', outcome.updated + outcome.unchanged);
  }
}

/** One message: a row to write (ref = index + 1, so refs start at 1), or a reported error. */
function screen(
  message: listV1.UpsertSubscribersRequest,
  index: number,
  seen: RowFingerprints,
  fail: (e: listV1.RowError) => void,
): UpsertRow | undefined {
  if (message.item?.$case !== 'row') {
    fail({
      index,
      email: '',
      code: ListErrorCode.InvalidRow,
      reason: 'only the first message may be the target; this one carries no row',
    });
    return undefined;
  }
  const row = message.item.value;
  const checked = checkSubscriberInput(rowObject(row));
  if (!checked.ok) {
    fail({
      index,
      email: row.email.slice(0, 320),
      code: checked.problem.code,
      reason: checked.problem.message,
    });
    return undefined;
  }
  const address = checked.value.email.address;
  const first = seen.remember(address, index + 1);
  if (first !== undefined) {
    fail({
      index,
      email: address,
      code: ListErrorCode.DuplicateInBatch,
      reason: `the address is on row ${first - 1} already; only that row is used`,
    });
    return undefined;
  }
  return { ref: index + 1, input: checked.value };
}

/** The row as the JSON shape the shared subscriber check reads (empty proto strings mean absent). */
function rowObject(row: listV1.SubscriberRow): Record<string, unknown> {
  const c = row.consent;
  const consent = c && {
    ...(c.source ? { source: c.source } : {}),
    ...(c.ip ? { ip: c.ip } : {}),
    ...(c.userAgent ? { userAgent: c.userAgent } : {}),
    ...(c.formText ? { formText: c.formText } : {}),
    ...(c.at ? { at: c.at.toISOString() } : {}),
  };
  return {
    email: row.email,
    ...(row.name !== undefined ? { name: row.name } : {}),
    ...(row.attributes !== undefined ? { attributes: row.attributes } : {}),
    ...(consent && Object.keys(consent).length > 0 ? { consent } : {}),
  };
}
