// Bulk subscribe (up to 1,000 rows per request): good rows are written, bad
// rows (and erased addresses) reported by index, and a re-run of the same batch
// changes nothing. Writes are shaped for FerretDB as much as MongoDB: one read
// of what exists, one batched insert of new subscribers, small update batches
// only for changed ones, then the memberships, ledger entries and events of
// the chunk through upsert/list-join (shared with the CSV import and gRPC upsert).
import { Inject, Injectable } from '@nestjs/common';
import type { ListDoc, MembershipStatus, SubscriberDoc } from '@postline/list/data-access';
import { ListErrorCode } from '@postline/list/domain';
import { LOGGER } from '@postline/platform/http';
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { screenRows, type AcceptedRow } from './bulk-rows';
import { ListEventsPublisher } from './list-events.publisher';
import { LIST_STORE } from './list-feature.options';
import type { ListStore } from './list-store';
import { ListMetrics } from './list.metrics';
import type { BulkSubscribeResult } from './list.views';
import { ListsService } from './lists.service';
import { alreadyMember, dataChanges, newSubscriber } from './subscribe.service';
import { joinList, withoutErased } from './upsert/list-join';

/** A row whose subscriber exists now; `member` when it is on the list already. */
interface Target {
  row: AcceptedRow;
  subscriberId: Types.ObjectId;
  member: boolean;
}

type Fail = (row: AcceptedRow, code: ListErrorCode, reason: string) => void;

@Injectable()
export class BulkSubscribeService {
  constructor(
    @Inject(LIST_STORE) private readonly store: ListStore,
    private readonly lists: ListsService,
    private readonly publisher: ListEventsPublisher,
    private readonly metrics: ListMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run(tenantId: string, listId: string, rows: unknown[]): Promise<BulkSubscribeResult> {
    const started = Date.now();
    const list = await this.lists.require(tenantId, listId);
    const { accepted, errors } = screenRows(rows);
    const fail: Fail = (row, code, reason) =>
      errors.push({ index: row.index, email: row.input.email.address, code, reason });

    const allowed = await withoutErased(
      this.store,
      tenantId,
      accepted,
      (r) => r.input.email.address,
      fail,
    );
    const targets = await this.resolveSubscribers(list, allowed, fail);
    const { created, alreadyMembers } = await this.addMemberships(list, targets, fail);

    const result: BulkSubscribeResult = {
      created,
      updated: alreadyMembers,
      failed: errors.length,
      errors: errors.sort((a, b) => a.index - b.index),
    };
    this.metrics.written('created', result.created);
    this.metrics.written('updated', result.updated);
    this.metrics.written('failed', result.failed);
    const ms = Date.now() - started;
    this.metrics.bulkSeconds.observe(ms / 1000);
    this.logger.info(
      {
        event: 'bulk_subscribe',
        tenantId,
        listId: list._id.toHexString(),
        rows: rows.length,
        ...summary(result),
        ms,
      },
      'bulk subscribe done',
    );
    return result;
  }

  /** Makes sure every accepted row has a subscriber document; rows that cannot are reported. */
  private async resolveSubscribers(
    list: ListDoc,
    rows: AcceptedRow[],
    fail: Fail,
  ): Promise<Target[]> {
    const emails = rows.map((r) => r.input.email.address);
    const existing = await this.store.subscribers.findByEmails(list.tenantId, emails);
    const fresh = rows.filter((r) => !existing.has(r.input.email.address));
    const targets = await this.classifyExisting(
      list,
      rows.filter((r) => existing.has(r.input.email.address)),
      existing,
      fail,
    );

    const now = new Date();
    const docs = fresh.map((row) => newSubscriber(list.tenantId, row.input, now));
    const outcome = await this.store.subscribers.insertMany(docs);
    for (const i of outcome.inserted) {
      targets.push({ row: fresh[i], subscriberId: docs[i]._id, member: false });
    }
    for (const [i, reason] of outcome.failed) {
      fail(fresh[i], ListErrorCode.WriteFailed, `saving the subscriber failed: ${reason}`);
    }
    if (outcome.duplicates.length > 0) {
      // Another request created these addresses between our read and our insert: use its documents.
      const raced = outcome.duplicates.map((i) => fresh[i]);
      const winners = await this.store.subscribers.findByEmails(
        list.tenantId,
        raced.map((r) => r.input.email.address),
      );
      for (const row of raced.filter((r) => !winners.has(r.input.email.address))) {
        fail(
          row,
          ListErrorCode.WriteFailed,
          'saving the subscriber failed: concurrent write, retry the row',
        );
      }
      const known = raced.filter((r) => winners.has(r.input.email.address));
      targets.push(...(await this.classifyExisting(list, known, winners, fail)));
    }
    return targets;
  }

  /** Existing subscribers: skip those who unsubscribed from this list, update changed name/attributes. */
  private async classifyExisting(
    list: ListDoc,
    rows: AcceptedRow[],
    byEmail: Map<string, SubscriberDoc>,
    fail: Fail,
  ): Promise<Target[]> {
    const subscriberOf = (row: AcceptedRow) =>
      byEmail.get(row.input.email.address) as SubscriberDoc;
    const statuses = await this.store.memberships.statusesOf(
      list._id,
      rows.map((r) => subscriberOf(r)._id),
    );
    const targets: Target[] = [];
    const updates: Array<{
      row: AcceptedRow;
      id: Types.ObjectId;
      data: NonNullable<ReturnType<typeof dataChanges>>;
    }> = [];
    for (const row of rows) {
      const subscriber = subscriberOf(row);
      const status: MembershipStatus | undefined = statuses.get(subscriber._id.toHexString());
      if (status === 'unsubscribed') {
        fail(row, ListErrorCode.PreviouslyUnsubscribed, alreadyMember(list, status).message);
        continue;
      }
      const data = dataChanges(subscriber, row.input);
      if (data) updates.push({ row, id: subscriber._id, data });
      targets.push({ row, subscriberId: subscriber._id, member: status !== undefined });
    }
    const failed = await this.store.subscribers.updateData(updates);
    if (failed.size === 0) return targets;
    for (const u of updates) {
      const reason = failed.get(u.id.toHexString());
      if (reason)
        fail(u.row, ListErrorCode.WriteFailed, `updating the subscriber failed: ${reason}`);
    }
    return targets.filter((t) => !failed.has(t.subscriberId.toHexString()));
  }

  /** Adds the non-members to the list and announces them; undoes the additions if Kafka refuses. */
  private async addMemberships(
    list: ListDoc,
    targets: Target[],
    fail: Fail,
  ): Promise<{ created: number; alreadyMembers: number }> {
    const joining = targets.filter((t) => !t.member);
    const { added, duplicates } = await joinList(
      { store: this.store, publisher: this.publisher, logger: this.logger },
      list,
      joining.map((t) => ({
        row: t.row,
        subscriberId: t.subscriberId,
        consent: t.row.input.consent,
      })),
      {
        source: 'bulk_api',
        undoEvent: 'bulk_undo_failed',
        ledgerFailed: (problem) =>
          `the consent records could not be written (${problem}); no one was added to the list, retry the same request`,
        eventsUnavailable:
          'the batch could not be recorded (event bus unavailable); no one was added to the list, retry the same request',
        metrics: this.metrics,
      },
      fail,
    );
    const alreadyMembers = targets.length - joining.length + duplicates.length;
    return { created: added.length, alreadyMembers };
  }
}

function summary(
  r: BulkSubscribeResult,
): Pick<BulkSubscribeResult, 'created' | 'updated' | 'failed'> {
  return { created: r.created, updated: r.updated, failed: r.failed };
}
