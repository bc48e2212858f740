import { ListError, suppressionKeysFor, type ListErrorCode } from '@postline/list/domain';
import { createMetricsRegistry } from '@postline/platform/metrics';
import { ListMetrics } from '../list.metrics';
import { count, RecordingPublisher } from '../test/feature-fixture';
import { FakeListStore, silentLogger } from '../test/fake-list-store';
import { joinList, withoutErased, type JoinSettings } from './list-join';

function setup() {
  const db = new FakeListStore();
  const store = db.store();
  const list = db.addList('t1');
  const publisher = new RecordingPublisher();
  const failures: Array<[string, ListErrorCode, string]> = [];
  const fail = (row: string, code: ListErrorCode, reason: string) =>
    failures.push([row, code, reason]);
  const join = (emails: string[], settings: Partial<JoinSettings> = {}) =>
    joinList(
      { store, publisher, logger: silentLogger },
      list,
      emails.map((email) => ({
        row: email,
        subscriberId: db.addSubscriber('t1', email)._id,
        consent: { source: email.startsWith('form') ? 'signup form' : undefined },
      })),
      {
        source: 'csv_import',
        undoEvent: 'test_undo_failed',
        ledgerFailed: (p) => `ledger: ${p}`,
        eventsUnavailable: 'no events',
        ...settings,
      },
      fail,
    );
  return { db, store, list, publisher, failures, fail, join };
}

describe('joinList', () => {
  it('adds, records (the row’s source first) and announces each row as one chunk', async () => {
    const { db, publisher, join } = setup();
    const { added, duplicates } = await join(['a@x.io', 'form@x.io']);
    expect(added).toHaveLength(2);
    expect(duplicates).toEqual([]);
    expect(db.memberships.map((m) => m.status)).toEqual(['subscribed', 'subscribed']);
    expect(db.consentRecords.map((r) => r.source)).toEqual(['csv_import', 'signup form']);
    expect(publisher.subscribedFacts.map((f) => f.membershipId)).toEqual(
      added.map((m) => m._id.toHexString()),
    );
  });

  it('reports a membership another writer created meanwhile as a duplicate, announcing only its own', async () => {
    const { db, list, publisher } = setup();
    const raced = db.addSubscriber('t1', 'raced@x.io');
    db.addMembership(list, raced);
    const { added, duplicates } = await joinList(
      { store: db.store(), publisher, logger: silentLogger },
      list,
      [
        { row: 'raced@x.io', subscriberId: raced._id },
        { row: 'new@x.io', subscriberId: db.addSubscriber('t1', 'new@x.io')._id },
      ],
      { source: 's', undoEvent: 'u', ledgerFailed: (p) => p, eventsUnavailable: 'e' },
      () => undefined,
    );
    expect(duplicates).toEqual([0]);
    expect(added).toHaveLength(1);
    expect(publisher.subscribedFacts).toHaveLength(1);
  });

  it('undoes the chunk and throws the caller’s wording when Kafka refuses, counting when asked', async () => {
    const { db, publisher, join } = setup();
    const metrics = new ListMetrics(createMetricsRegistry('list_join_test'));
    publisher.failing = true;
    const err = await join(['a@x.io', 'b@x.io'], { metrics }).catch((e: ListError) => e);
    expect(err).toBeInstanceOf(ListError);
    expect(err).toMatchObject({ code: 'EVENTS_UNAVAILABLE', message: 'no events' });
    expect(db.memberships).toEqual([]);
    expect(db.consentRecords).toEqual([]);
    expect(await count(metrics.subscriberEvents, { result: 'failed' })).toBe(2);
  });

  it('undoes the chunk and throws WRITE_FAILED when the ledger refuses, announcing nothing', async () => {
    const { db, store, publisher, join } = setup();
    store.consent.append = async () => {
      throw new Error('disk full');
    };
    await expect(join(['a@x.io'])).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      message: 'ledger: disk full',
    });
    expect(db.memberships).toEqual([]);
    expect(publisher.subscribedFacts).toEqual([]);
  });
});

describe('withoutErased', () => {
  it('reports erased addresses and returns the other rows in order', async () => {
    const { db, store, failures, fail } = setup();
    db.suppressions.push({
      _id: suppressionKeysFor('t1', 'gone@x.io')[0],
      tenantId: 't1',
      kind: 'address',
      reason: 'erased',
      source: 'erasure',
      createdAt: new Date(),
    });
    const rows = ['a@x.io', 'gone@x.io', 'b@x.io'];
    expect(await withoutErased(store, 't1', rows, (r) => r, fail)).toEqual(['a@x.io', 'b@x.io']);
    expect(failures.map(([row, code]) => [row, code])).toEqual([['gone@x.io', 'ADDRESS_ERASED']]);
  });
});
