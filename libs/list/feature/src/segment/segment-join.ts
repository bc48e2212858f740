// The two ways a recipient stream joins a list's members with their
// subscriber documents (and with the other lists and filters a segment names).
// Both yield the same subscribers in the same order (ascending subscriber id):
//
// - lookup: reads the members page by page and fetches each page's subscribers
//   by _id. Cost follows the list; right for MongoDB, whose _id index serves
//   `$in` lookups.
// - merge: walks sorted cursors side by side (members of the list, matching
//   subscribers of the tenant, and one per in_list list or mixed filter), one
//   query each for the whole stream. FerretDB v1 serves no query but a single
//   `{_id: x}` from an index, so a page of `$in` lookups there scans the whole
//   collection; merging reads each collection once.
import type { SubscriberView } from '@postline/list/data-access';
import type { CompiledSegment } from '@postline/list/domain';
import { evaluateResidual } from '@postline/list/domain';
import { Types } from 'mongoose';
import type { ListStore } from '../list-store';
import { SortedCursor } from './sorted-cursor';

export type JoinStrategy = 'lookup' | 'merge';

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
  return strategy === 'merge' ? mergePages(store, q) : lookupPages(store, q);
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

async function* mergePages(store: ListStore, q: RecipientQuery): AsyncGenerator<SubscriberView[]> {
  const { segment } = q;
  const readAhead = 2 * q.pageSize;
  const opts = { after: q.after, batchSize: q.pageSize };
  const memberCursor = (listId: Types.ObjectId) =>
    new SortedCursor(
      store.memberships.sortedSubscribed(q.tenantId, listId, opts),
      (m) => hex(m.subscriberId),
      readAhead,
    );
  const subscriberCursor = <T extends { _id: Types.ObjectId }>(
    filter: Record<string, unknown>,
    idsOnly: boolean,
  ) =>
    new SortedCursor(
      store.subscribers.sortedMatching<T>(q.tenantId, filter, { ...opts, idsOnly }),
      (s) => hex(s._id),
      readAhead,
    );

  const members = memberCursor(q.listId);
  const subscribers = subscriberCursor<SubscriberView>({ $and: [ACTIVE, segment.filter] }, false);
  const lists = segment.lists.map((id) => memberCursor(new Types.ObjectId(id)));
  const subsets = segment.subsets.map((f) => subscriberCursor(f, true));
  try {
    let page: SubscriberView[] = [];
    let examined = 0;
    for (;;) {
      const [m, s] = await Promise.all([members.head(), subscribers.head()]);
      if (m === undefined || s === undefined) break;
      const mk = members.keyOf(m);
      const sk = subscribers.keyOf(s);
      if (mk !== sk) {
        await (mk < sk ? members.advanceTo(sk) : subscribers.advanceTo(mk));
        continue;
      }
      await Promise.all([members.take(), subscribers.take()]);
      if (await passes(segment, sk, lists, subsets)) page.push(s);
      // Also yields pages without recipients now and then, so a cancelled stream stops early.
      if (page.length >= q.pageSize || ++examined % q.pageSize === 0) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  } finally {
    await Promise.all([members, subscribers, ...lists, ...subsets].map((c) => c.close()));
  }
}

async function passes(
  segment: CompiledSegment,
  key: string,
  lists: Array<SortedCursor<{ subscriberId: Types.ObjectId }>>,
  subsets: Array<SortedCursor<{ _id: Types.ObjectId }>>,
): Promise<boolean> {
  if (!segment.residual) return true;
  const memberOf = await Promise.all(lists.map((c) => c.has(key)));
  const inSubset = await Promise.all(subsets.map((c) => c.has(key)));
  return evaluateResidual(
    segment.residual,
    (i) => memberOf[i],
    (i) => inSubset[i],
  );
}
