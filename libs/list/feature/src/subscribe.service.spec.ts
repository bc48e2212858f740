import { createMetricsRegistry } from '@postline/platform/metrics';
import { ListError } from '@postline/list/domain';
import { BulkSubscribeService } from './bulk-subscribe.service';
import type { ListEventsPublisher, SubscribedFact } from './list-events.publisher';
import { ListMetrics } from './list.metrics';
import { ListsService } from './lists.service';
import { dataChanges, SubscribeService } from './subscribe.service';
import { FakeListStore, silentLogger } from './test/fake-list-store';
import { CONFIRM_SETTINGS } from './test/feature-fixture';

class FakePublisher {
  readonly sent: SubscribedFact[][] = [];
  failing = false;
  async subscribed(facts: SubscribedFact[]): Promise<void> {
    if (this.failing) throw new Error('broker unreachable');
    if (facts.length > 0) this.sent.push(facts);
  }
}

function setup() {
  const db = new FakeListStore();
  const list = db.addList('t1');
  const store = db.store();
  const publisher = new FakePublisher();
  const lists = new ListsService(store);
  const metrics = new ListMetrics(createMetricsRegistry('list_test'));
  const pub = publisher as unknown as ListEventsPublisher;
  return {
    db,
    listId: list._id.toHexString(),
    publisher,
    single: new SubscribeService(store, lists, pub, metrics, silentLogger, CONFIRM_SETTINGS),
    bulk: new BulkSubscribeService(store, lists, pub, metrics, silentLogger),
  };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: ListError) => e.code,
  );

describe('SubscribeService', () => {
  it('writes the subscriber and membership, then announces it', async () => {
    const { db, listId, publisher, single } = setup();
    const view = await single.subscribe('t1', listId, { email: 'Ann@EXAMPLE.com', name: 'Ann' });
    expect(view).toEqual({
      id: expect.any(String),
      email: 'Ann@example.com',
      name: 'Ann',
      attributes: {},
      status: 'subscribed',
    });
    expect(db.subscribers).toHaveLength(1);
    expect(db.memberships).toHaveLength(1);
    expect(publisher.sent).toEqual([
      [expect.objectContaining({ subscriberId: view.id, listId, tenantId: 't1' })],
    ]);
  });

  it('writes nothing for invalid input, an unknown list or a duplicate', async () => {
    const { db, listId, single } = setup();
    await single.subscribe('t1', listId, { email: 'a@example.com' });
    expect(await codeOf(single.subscribe('t1', listId, { email: 'bad' }))).toBe('INVALID_EMAIL');
    expect(
      await codeOf(single.subscribe('t1', listId, { email: 'b@example.com', attributes: [1] })),
    ).toBe('INVALID_ATTRIBUTES');
    expect(await codeOf(single.subscribe('t2', listId, { email: 'b@example.com' }))).toBe(
      'NOT_FOUND',
    );
    expect(
      await codeOf(single.subscribe('t1', listId, { email: 'a@example.com', name: 'New' })),
    ).toBe('ALREADY_SUBSCRIBED');
    expect(db.subscribers.map((s) => [s.email, s.name])).toEqual([['a@example.com', '']]);
    expect(db.memberships).toHaveLength(1);
  });

  it('refuses to re-subscribe an address that unsubscribed from the list', async () => {
    const { db, listId, single } = setup();
    await single.subscribe('t1', listId, { email: 'a@example.com' });
    db.memberships[0].status = 'unsubscribed';
    expect(await codeOf(single.subscribe('t1', listId, { email: 'a@example.com' }))).toBe(
      'PREVIOUSLY_UNSUBSCRIBED',
    );
  });

  it('undoes everything when the event cannot be produced, so a retry starts clean', async () => {
    const { db, listId, publisher, single } = setup();
    publisher.failing = true;
    expect(await codeOf(single.subscribe('t1', listId, { email: 'a@example.com' }))).toBe(
      'EVENTS_UNAVAILABLE',
    );
    expect([db.subscribers.length, db.memberships.length]).toEqual([0, 0]);
    publisher.failing = false;
    await expect(single.subscribe('t1', listId, { email: 'a@example.com' })).resolves.toMatchObject(
      { status: 'subscribed' },
    );
  });

  it('keeps an existing subscriber (on another list) and its data when the new membership is undone', async () => {
    const { db, publisher, single } = setup();
    const other = db.addList('t1')._id.toHexString();
    const first = await single.subscribe('t1', other, { email: 'a@example.com', name: 'A' });
    publisher.failing = true;
    const listId = db.lists[0]._id.toHexString();
    const retry = single.subscribe('t1', listId, { email: 'a@example.com', name: 'Changed' });
    expect(await codeOf(retry)).toBe('EVENTS_UNAVAILABLE');
    expect(db.subscribers.map((s) => [s._id.toHexString(), s.name])).toEqual([[first.id, 'A']]);
    expect(db.memberships).toHaveLength(1);
  });
});

describe('BulkSubscribeService', () => {
  const rows = [
    { email: 'a@example.com' },
    { email: 'bad' },
    { email: 'b@example.com', name: 'B' },
  ];

  it('counts created, updated and failed rows, and is idempotent on re-run', async () => {
    const { db, listId, publisher, bulk } = setup();
    expect(await bulk.run('t1', listId, rows)).toMatchObject({ created: 2, updated: 0, failed: 1 });
    expect(await bulk.run('t1', listId, rows)).toMatchObject({ created: 0, updated: 2, failed: 1 });
    expect([db.subscribers.length, db.memberships.length]).toEqual([2, 2]);
    expect(publisher.sent.map((batch) => batch.length)).toEqual([2]);
  });

  it('updates changed names but never re-subscribes an unsubscribed member', async () => {
    const { db, listId, bulk } = setup();
    await bulk.run('t1', listId, rows);
    db.memberships[0].status = 'unsubscribed';
    const result = await bulk.run('t1', listId, [
      { email: 'a@example.com', name: 'A' },
      { email: 'b@example.com', name: 'Bee' },
    ]);
    expect(result).toMatchObject({
      created: 0,
      updated: 1,
      failed: 1,
      errors: [{ index: 0, code: 'PREVIOUSLY_UNSUBSCRIBED' }],
    });
    expect(db.subscribers.map((s) => s.name)).toEqual(['', 'Bee']);
  });

  it('adds no one when the events cannot be produced, and a re-run then adds them all', async () => {
    const { db, listId, publisher, bulk } = setup();
    publisher.failing = true;
    expect(await codeOf(bulk.run('t1', listId, rows))).toBe('EVENTS_UNAVAILABLE');
    expect(db.memberships).toHaveLength(0);
    publisher.failing = false;
    expect(await bulk.run('t1', listId, rows)).toMatchObject({ created: 2, updated: 0, failed: 1 });
  });
});

describe('dataChanges', () => {
  const email = { address: 'a@b.co', localPart: 'a', domain: 'b.co' };
  it('returns only what differs, and nothing for absent fields', () => {
    const current = { name: 'Ann', attributes: { plan: 'pro' } };
    expect(dataChanges(current, { email })).toBeUndefined();
    expect(
      dataChanges(current, { email, name: 'Ann', attributes: { plan: 'pro' } }),
    ).toBeUndefined();
    expect(dataChanges(current, { email, name: 'Anna' })).toEqual({ name: 'Anna' });
    expect(dataChanges(current, { email, attributes: {} })).toEqual({ attributes: {} });
  });
});
