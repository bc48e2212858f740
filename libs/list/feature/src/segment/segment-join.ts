// The two ways a recipient stream joins a list's members with their
// subscriber documents (and with the other lists and filters a segment names).
// Both yield the same subscribers in the same order (ascending subscriber id):
//
// - lookup: reads the members page by page and fetches each page's subscribers
//   by _id. Cost follows the list; right for MongoDB, whose _id index serves
//   `$in` lookups.
// - scan: one cursor over the tenant's subscribers matching the segment, in _id
//   order, checked against the list's members (and the other lists and mixed
//   filters), which are read once, unsorted, into compact id sets (~27 MiB per
//   million). FerretDB v1 serves no query but a single `{_id: x}` from an
//   index, so a page of `$in` lookups there scans the whole collection, and a
//   sorted cursor is sorted in the server's memory: scanning reads each
//   collection once and sorts one result.
import type { SubscriberView } from '@postline/list/data-access';
import type { CompiledSegment } from '@postline/list/domain';
import { evaluateResidual } from '@postline/list/domain';
import { Types } from 'mongoose';
import type { ListStore } from '../list-store';
import { ObjectIdSet } from './object-id-set';
import { ReadAheadCursor, type DocumentSource as DocumentCursor } from './read-ahead-cursor';

export type JoinStrategy = 'lookup' | 'scan';

export interface RecipientQuery {
  tenantId: string;
  listId: Types.ObjectId;
  segment: CompiledSegment;
  after?: Types.ObjectId;
  pageSize: number;
}

/** Only globally active subscribers are ever recipients. */
const ACTIVE = { globalStatus: 'active' };

const hex = (id: Types.ObjectId) => id.toHexString();

/** Pages of subscribers that are subscribed members of the list and match the segment. */
export function joinedPages(
  store: ListStore,
  strategy: JoinStrategy,
  q: RecipientQuery,
): AsyncGenerator<SubscriberView[]> {
  if (q.segment.empty) return (async function* () {})();
  return strategy === 'scan' ? scanPages(store, q) : lookupPages(store, q);
}

async function* lookupPages(store: ListStore, q: RecipientQuery): AsyncGenerator<SubscriberView[]> {
  const { segment } = q;
  const filter = { $and: [ACTIVE, segment.filter] };
  const lists = segment.lists.map((id) => new Types.ObjectId(id));
  let after = q.after;
  for (;;) {
    const members = await store.memberships.page(q.tenantId, q.listId, {
      after,
      limit: q.pageSize,
      status: 'subscribed',
    });
    if (members.length === 0) return;
    after = members[members.length - 1].subscriberId;
    const found = await store.subscribers.matchingAmong<SubscriberView>(
      q.tenantId,
      members.map((m) => m.subscriberId),
      filter,
    );
    const byId = new Map(found.map((s) => [hex(s._id), s]));
    let candidates = members.flatMap((m) => byId.get(hex(m.subscriberId)) ?? []);
    if (segment.residual && candidates.length > 0) {
      const ids = candidates.map((s) => s._id);
      const memberOf = await Promise.all(
        lists.map((l) => store.memberships.subscribedAmong(q.tenantId, l, ids)),
      );
      const inSubset = await Promise.all(
        segment.subsets.map(
          async (f) =>
            new Set(
              (await store.subscribers.matchingAmong(q.tenantId, ids, f, true)).map((s) =>
                hex(s._id),
              ),
            ),
        ),
      );
      const residual = segment.residual;
      candidates = candidates.filter((s) =>
        evaluateResidual(
          residual,
          (i) => memberOf[i].has(hex(s._id)),
          (i) => inSubset[i].has(hex(s._id)),
        ),
      );
    }
    yield candidates;
    if (members.length < q.pageSize) return;
  }
}

async function* scanPages(store: ListStore, q: RecipientQuery): AsyncGenerator<SubscriberView[]> {
  const { segment } = q;
  const opts = { after: q.after, batchSize: q.pageSize };
  const subscribers = new ReadAheadCursor(
    store.subscribers.sortedMatching<SubscriberView>(
      q.tenantId,
      { $and: [ACTIVE, segment.filter] },
      opts,
    ),
    2 * q.pageSize,
  );
  // The server starts reading (and sorting) the subscribers while the id sets load.
  const first = subscribers.head().catch(() => undefined);
  try {
    const memberIds = (listId: Types.ObjectId) =>
      idSet(store.memberships.subscribedIds(q.tenantId, listId, opts), (m) => m.subscriberId);
    const [members, lists, subsets] = await Promise.all([
      memberIds(q.listId),
      Promise.all(segment.lists.map((id) => memberIds(new Types.ObjectId(id)))),
      Promise.all(
        segment.subsets.map((f) =>
          idSet(
            store.subscribers.sortedMatching<{ _id: Types.ObjectId }>(q.tenantId, f, {
              ...opts,
              idsOnly: true,
              unsorted: true,
            }),
            (s) => s._id,
          ),
        ),
      ),
    ]);
    await first;
    const residual = segment.residual;
    let page: SubscriberView[] = [];
    let examined = 0;
    for (let s = await subscribers.take(); s !== undefined; s = await subscribers.take()) {
      const id = s._id;
      const passes =
        members.has(id) &&
        (!residual ||
          evaluateResidual(
            residual,
            (i) => lists[i].has(id),
            (i) => subsets[i].has(id),
          ));
      if (passes) page.push(s);
      // Also yields pages without recipients now and then, so a cancelled stream stops early.
      if (page.length >= q.pageSize || ++examined % q.pageSize === 0) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  } finally {
    await subscribers.close();
  }
}

/** Reads the ids of a cursor (in any order) into a compact set. */
async function idSet<T>(
  cursor: DocumentCursor<T>,
  idOf: (doc: T) => Types.ObjectId,
): Promise<ObjectIdSet> {
  const set = new ObjectIdSet();
  try {
    for (let doc = await cursor.next(); doc !== null; doc = await cursor.next()) set.add(idOf(doc));
  } finally {
    await cursor.close().catch(() => undefined);
  }
  return set;
}
