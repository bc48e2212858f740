// Writes one chunk of validated rows into a list with upsert semantics, for
// the CSV import and the gRPC bulk upsert: a new address becomes a subscriber
// and a member; a known one joins the list if it is not on it, and gets the
// row's name and attributes merged in (attribute keys the row does not carry
// stay as they are). Running the same rows again writes nothing and reports
// them unchanged. Inserts go first (FerretDB serves them fast; a duplicate-key
// refusal says "exists"), so only rows whose address exists cost a lookup.
// Joining the list (memberships, ledger, events, undo) is upsert/list-join,
// shared with bulk subscribe.
import { Inject, Injectable } from '@nestjs/common';
import type { ListDoc, MembershipStatus, SubscriberDoc } from '@postline/list/data-access';
import {
  checkAttributes,
  ListErrorCode,
  type AttributeValue,
  type SubscriberInput,
} from '@postline/list/domain';
import { LOGGER } from '@postline/platform/http';
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { ListEventsPublisher } from '../list-events.publisher';
import { LIST_STORE } from '../list-feature.options';
import type { ListStore } from '../list-store';
import { newSubscriber } from '../subscribe.service';
import { ListMetrics } from '../list.metrics';
import { joinList, withoutErased } from './list-join';

export interface UpsertRow {
  /** How the caller names the row in its report: a CSV line, a stream index. */
  ref: number;
  input: SubscriberInput;
}

export interface UpsertRowError {
  ref: number;
  email: string;
  code: ListErrorCode;
  reason: string;
}

export interface UpsertOutcome {
  /** Rows that put their subscriber on the list. */
  created: number;
  /** Rows already on the list whose name or attributes changed. */
  updated: number;
  /** Rows already on the list with nothing to change. */
  unchanged: number;
  errors: UpsertRowError[];
}

/** A row whose subscriber exists now. */
interface Target {
  row: UpsertRow;
  subscriberId: Types.ObjectId;
  member: boolean;
  changed: boolean;
}

type Fail = (row: UpsertRow, code: ListErrorCode, reason: string) => void;

@Injectable()
export class SubscriberUpsertWriter {
  constructor(
    @Inject(LIST_STORE) private readonly store: ListStore,
    private readonly publisher: ListEventsPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: ListMetrics,
  ) {}

  /**
   * Writes the rows (distinct addresses). Throws ListError WRITE_FAILED or
   * EVENTS_UNAVAILABLE when the chunk as a whole could not be recorded; the
   * memberships it added are then removed again, so a retry starts clean.
   */
  async write(list: ListDoc, rows: UpsertRow[], source: string): Promise<UpsertOutcome> {
    const errors: UpsertRowError[] = [];
    const fail: Fail = (row, code, reason) =>
      errors.push({ ref: row.ref, email: row.input.email.address, code, reason });
    const allowed = await withoutErased(
      this.store,
      list.tenantId,
      rows,
      (r) => r.input.email.address,
      fail,
    );

    const targets = await this.resolve(list, allowed, fail);
    const created = await this.join(list, targets, source, fail);
    const stayed = targets.filter((t) => t.member);
    const updated = stayed.filter((t) => t.changed).length;
    return { created, updated, unchanged: stayed.length - updated, errors };
  }

  /** Inserts the new subscribers, merges the rows of existing ones; every surviving row gets a target. */
  private async resolve(list: ListDoc, rows: UpsertRow[], fail: Fail): Promise<Target[]> {
    const now = new Date();
    const docs = rows.map((row) => newSubscriber(list.tenantId, row.input, now));
    const outcome = await this.store.subscribers.insertMany(docs);
    const targets: Target[] = outcome.inserted.map((i) => ({
      row: rows[i],
      subscriberId: docs[i]._id,
      member: false,
      changed: false,
    }));
    for (const [i, reason] of outcome.failed)
      fail(rows[i], ListErrorCode.WriteFailed, `saving the subscriber failed: ${reason}`);
    if (outcome.duplicates.length === 0) return targets;

    const known = outcome.duplicates.map((i) => rows[i]);
    const existing = await this.store.subscribers.findByEmails(
      list.tenantId,
      known.map((r) => r.input.email.address),
    );
    for (const row of known.filter((r) => !existing.has(r.input.email.address)))
      fail(
        row,
        ListErrorCode.WriteFailed,
        'saving the subscriber failed: concurrent erasure, retry the row',
      );
    const found = known.filter((r) => existing.has(r.input.email.address));
    targets.push(...(await this.merge(list, found, existing, fail)));
    return targets;
  }

  /** Existing subscribers: refuse those who left this list, write what the rows change. */
  private async merge(
    list: ListDoc,
    rows: UpsertRow[],
    byEmail: Map<string, SubscriberDoc>,
    fail: Fail,
  ): Promise<Target[]> {
    const subscriberOf = (row: UpsertRow) => byEmail.get(row.input.email.address) as SubscriberDoc;
    const statuses = await this.store.memberships.statusesOf(
      list._id,
      rows.map((r) => subscriberOf(r)._id),
    );
    const targets: Target[] = [];
    const updates: Array<{ id: Types.ObjectId; fields: Record<string, unknown> }> = [];
    for (const row of rows) {
      const subscriber = subscriberOf(row);
      const status: MembershipStatus | undefined = statuses.get(subscriber._id.toHexString());
      if (status === 'unsubscribed') {
        fail(
          row,
          ListErrorCode.PreviouslyUnsubscribed,
          `this address unsubscribed from list ${list._id.toHexString()}; it is not re-subscribed without new consent`,
        );
        continue;
      }
      const change = mergedFields(subscriber, row.input);
      if (!change.ok) {
        fail(row, ListErrorCode.InvalidAttributes, change.reason);
        continue;
      }
      if (change.fields) updates.push({ id: subscriber._id, fields: change.fields });
      targets.push({
        row,
        subscriberId: subscriber._id,
        member: status !== undefined,
        changed: change.fields !== undefined,
      });
    }
    const failed = await this.store.subscribers.setFields(updates);
    if (failed.size === 0) return targets;
    for (const t of targets) {
      const reason = failed.get(t.subscriberId.toHexString());
      if (reason)
        fail(t.row, ListErrorCode.WriteFailed, `updating the subscriber failed: ${reason}`);
    }
    return targets.filter((t) => !failed.has(t.subscriberId.toHexString()));
  }

  /** Adds the non-members to the list, records their consent and announces them; returns how many joined. */
  private async join(
    list: ListDoc,
    targets: Target[],
    source: string,
    fail: Fail,
  ): Promise<number> {
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
        source,
        undoEvent: 'upsert_undo_failed',
        ledgerFailed: (problem) => `the consent records could not be written (${problem})`,
        eventsUnavailable: 'the event bus is unavailable',
        metrics: this.metrics,
      },
      fail,
    );
    // A membership another writer created meanwhile: the row was on the list after all.
    for (const i of duplicates) joining[i].member = true;
    return added.length;
  }
}

export type MergeCheck =
  { ok: true; fields?: Record<string, unknown> } | { ok: false; reason: string };

/**
 * The fields a row changes on an existing subscriber, as `$set` paths: the
 * name when the row has one, and each attribute the row carries. Undefined
 * fields: nothing changes. Refused when the merged attributes break the limits.
 */
export function mergedFields(
  current: Pick<SubscriberDoc, 'name' | 'attributes'>,
  input: SubscriberInput,
): MergeCheck {
  const fields: Record<string, unknown> = {};
  if (input.name !== undefined && input.name !== current.name) fields.name = input.name;
  const stored = (current.attributes ?? {}) as Record<string, AttributeValue>;
  const changed = Object.entries(input.attributes ?? {}).filter(
    ([key, value]) => JSON.stringify(value) !== JSON.stringify(stored[key]),
  );
  if (changed.length > 0) {
    const merged = checkAttributes({ ...stored, ...Object.fromEntries(changed) });
    if (!merged.ok)
      return { ok: false, reason: `attributes ${merged.reason} once merged with the stored ones` };
    for (const [key, value] of changed) fields[`attributes.${key}`] = value;
  }
  return { ok: true, ...(Object.keys(fields).length > 0 ? { fields } : {}) };
}
