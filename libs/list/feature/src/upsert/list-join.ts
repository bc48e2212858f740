// The write steps every batched way onto a list shares (bulk subscribe, CSV
// import, gRPC UpsertSubscribers): keep erased addresses out, then add a chunk
// of memberships with one batched insert, record their consent with one
// batched ledger insert, and announce them with one Kafka batch. Without
// transactions, a chunk whose ledger or events cannot be written has its new
// memberships and ledger entries removed again, so a retry starts clean.
import type { ListDoc, MembershipDoc } from '@postline/list/data-access';
import { ListError, ListErrorCode, type ConsentInput } from '@postline/list/domain';
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { subscribedRecord } from '../consent/consent-records';
import type { ListEventsPublisher } from '../list-events.publisher';
import type { ListStore } from '../list-store';
import type { ListMetrics } from '../list.metrics';
import { erasedError, newMembership } from '../subscribe.service';
import { erasedAmong } from '../suppression/suppression-match';

export type RowFail<R> = (row: R, code: ListErrorCode, reason: string) => void;

/** Reports the erased addresses among the rows (ADDRESS_ERASED) and returns the others. */
export async function withoutErased<R>(
  store: Pick<ListStore, 'suppressions'>,
  tenantId: string,
  rows: R[],
  addressOf: (row: R) => string,
  fail: RowFail<R>,
): Promise<R[]> {
  const erased = await erasedAmong(store.suppressions, tenantId, rows.map(addressOf));
  if (erased.size === 0) return rows;
  for (const row of rows.filter((r) => erased.has(addressOf(r))))
    fail(row, ListErrorCode.AddressErased, erasedError(addressOf(row)).message);
  return rows.filter((r) => !erased.has(addressOf(r)));
}

/** A row whose subscriber exists and is not on the list yet. */
export interface JoiningRow<R> {
  row: R;
  subscriberId: Types.ObjectId;
  consent?: ConsentInput;
}

/** How the caller words a whole-chunk failure, and what it counts. */
export interface JoinSettings {
  /** Consent source of the ledger entries (unless a row's evidence names one). */
  source: string;
  /** Log event when removing the chunk's memberships again fails. */
  undoEvent: string;
  ledgerFailed: (problem: string) => string;
  eventsUnavailable: string;
  /** When given, SubscriberEvents produced and failed are counted. */
  metrics?: Pick<ListMetrics, 'subscriberEvents'>;
}

export interface JoinDeps {
  store: Pick<ListStore, 'memberships' | 'consent'>;
  publisher: Pick<ListEventsPublisher, 'subscribed'>;
  logger: Logger;
}

export interface JoinOutcome {
  /** Memberships this call created (recorded and announced). */
  added: MembershipDoc[];
  /** Positions in `joining` whose membership another writer created meanwhile. */
  duplicates: number[];
}

/**
 * Adds the rows' subscribers to the list, records and announces them. A row
 * whose insert fails is reported through `fail`; throws ListError WRITE_FAILED
 * (ledger) or EVENTS_UNAVAILABLE (Kafka) after undoing the chunk's additions.
 */
export async function joinList<R>(
  deps: JoinDeps,
  list: ListDoc,
  joining: JoiningRow<R>[],
  settings: JoinSettings,
  fail: RowFail<R>,
): Promise<JoinOutcome> {
  const { store, logger } = deps;
  const now = new Date();
  const docs = joining.map((j) => newMembership(list, j.subscriberId, now));
  const outcome = await store.memberships.insertMany(docs);
  for (const [i, reason] of outcome.failed)
    fail(joining[i].row, ListErrorCode.WriteFailed, `adding to the list failed: ${reason}`);
  const added = outcome.inserted.map((i) => docs[i]);
  const records = outcome.inserted.map((i) =>
    subscribedRecord(docs[i], settings.source, joining[i].consent),
  );
  const undo = () =>
    Promise.all([
      store.memberships.deleteByIds(added.map((m) => m._id)),
      store.consent.deleteByIds(records.map((r) => r._id)),
    ]).catch((err: unknown) =>
      logger.error(
        { event: settings.undoEvent, err },
        'undoing the memberships of a failed chunk failed',
      ),
    );
  const ledger = await store.consent.append(records).catch((e: Error) => e);
  const ledgerProblem = ledger instanceof Error ? ledger.message : [...ledger.failed.values()][0];
  if (ledgerProblem !== undefined) {
    await undo();
    throw new ListError(ListErrorCode.WriteFailed, settings.ledgerFailed(ledgerProblem));
  }
  await announce(deps, list, added, settings, undo);
  return { added, duplicates: outcome.duplicates };
}

async function announce(
  { publisher, logger }: JoinDeps,
  list: ListDoc,
  added: MembershipDoc[],
  settings: JoinSettings,
  undo: () => Promise<unknown>,
): Promise<void> {
  try {
    await publisher.subscribed(
      added.map((m) => ({
        tenantId: list.tenantId,
        listId: list._id.toHexString(),
        subscriberId: m.subscriberId.toHexString(),
        membershipId: m._id.toHexString(),
        occurredAt: m.createdAt,
      })),
    );
    settings.metrics?.subscriberEvents.inc({ result: 'produced' }, added.length);
  } catch (e) {
    settings.metrics?.subscriberEvents.inc({ result: 'failed' }, added.length);
    logger.error(
      {
        event: 'subscriber_event_failed',
        listId: list._id.toHexString(),
        count: added.length,
        err: e,
      },
      'producing SubscriberEvents failed',
    );
    await undo();
    throw new ListError(ListErrorCode.EventsUnavailable, settings.eventsUnavailable);
  }
}
