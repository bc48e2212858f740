import { checkSubscriberInput, ListError, type SubscriberInput } from '@postline/list/domain';
import { suppressionKeysFor } from '@postline/list/domain';
import type { ListEventsPublisher } from '../list-events.publisher';
import { RecordingPublisher } from '../test/feature-fixture';
import { FakeListStore, silentLogger } from '../test/fake-list-store';
import { createMetricsRegistry } from '@postline/platform/metrics';
import { ListMetrics } from '../list.metrics';
import { mergedFields, SubscriberUpsertWriter, type UpsertRow } from './subscriber-upsert.writer';

function input(row: Record<string, unknown>): SubscriberInput {
  const checked = checkSubscriberInput(row);
  if (!checked.ok) throw new Error(checked.problem.message);
  return checked.value;
}

let registries = 0;

function setup() {
  const db = new FakeListStore();
  const list = db.addList('t1');
  const publisher = new RecordingPublisher();
  const registry = createMetricsRegistry(`upsert_writer_unit_${registries++}`);
  const metrics = new ListMetrics(registry);
  const writer = new SubscriberUpsertWriter(
    db.store(),
    publisher as unknown as ListEventsPublisher,
    silentLogger,
    metrics,
  );
  const rows = (...specs: Array<Record<string, unknown>>): UpsertRow[] =>
    specs.map((spec, i) => ({ ref: i + 2, input: input(spec) }));
  return { db, list, publisher, writer, rows, registry };
}

describe('SubscriberUpsertWriter', () => {
  it('creates new subscribers on the list with a ledger entry and an event each', async () => {
    const { db, list, publisher, writer, rows, registry } = setup();
    const outcome = await writer.write(
      list,
      rows({ email: 'a@x.io', name: 'A', attributes: { plan: 'pro' } }, { email: 'b@x.io' }),
      'csv_import',
    );
    expect(outcome).toEqual({ created: 2, updated: 0, unchanged: 0, errors: [] });
    expect(db.subscribers.map((s) => [s.email, s.name, s.attributes])).toEqual([
      ['a@x.io', 'A', { plan: 'pro' }],
      ['b@x.io', '', {}],
    ]);
    expect(db.memberships.map((m) => m.status)).toEqual(['subscribed', 'subscribed']);
    expect(db.consentRecords.map((r) => r.source)).toEqual(['csv_import', 'csv_import']);
    expect(publisher.subscribedFacts).toHaveLength(2);
    expect(await registry.registry.metrics()).toMatch(
      /^postline_\w+_subscriber_events_total\{result="produced"\} 2$/m,
    );
  });

  it('reports the same rows again as unchanged and writes nothing new', async () => {
    const { db, list, publisher, writer, rows } = setup();
    const batch = rows({ email: 'a@x.io', name: 'A', attributes: { plan: 'pro' } });
    await writer.write(list, batch, 'csv_import');
    const again = await writer.write(list, batch, 'csv_import');
    expect(again).toEqual({ created: 0, updated: 0, unchanged: 1, errors: [] });
    expect(db.subscribers).toHaveLength(1);
    expect(db.memberships).toHaveLength(1);
    expect(db.consentRecords).toHaveLength(1);
    expect(publisher.subscribedFacts).toHaveLength(1);
  });

  it('merges a member’s changed name and attributes, keeping the attributes the row lacks', async () => {
    const { db, list, writer, rows } = setup();
    await writer.write(
      list,
      rows({ email: 'a@x.io', name: 'A', attributes: { plan: 'free', city: 'Oslo' } }),
      'csv_import',
    );
    const outcome = await writer.write(
      list,
      rows({ email: 'a@x.io', attributes: { plan: 'pro' } }),
      'csv_import',
    );
    expect(outcome).toEqual({ created: 0, updated: 1, unchanged: 0, errors: [] });
    expect(db.subscribers[0]).toMatchObject({
      name: 'A',
      attributes: { plan: 'pro', city: 'Oslo' },
    });
  });

  it('adds a subscriber of another list to this one, merging its data', async () => {
    const { db, list, writer, rows } = setup();
    const existing = db.addSubscriber('t1', 'a@x.io');
    db.addMembership(db.addList('t1'), existing);
    const outcome = await writer.write(list, rows({ email: 'a@x.io', name: 'Ann' }), 'csv_import');
    expect(outcome).toEqual({ created: 1, updated: 0, unchanged: 0, errors: [] });
    expect(db.subscribers).toHaveLength(1);
    expect(db.subscribers[0].name).toBe('Ann');
    expect(db.memberships.filter((m) => m.listId.equals(list._id))).toHaveLength(1);
  });

  it('refuses addresses that left the list or were erased, and writes the other rows', async () => {
    const { db, list, writer, rows } = setup();
    db.addMembership(list, db.addSubscriber('t1', 'left@x.io'), 'unsubscribed');
    const [key] = suppressionKeysFor('t1', 'gone@x.io');
    db.suppressions.push({
      _id: key,
      tenantId: 't1',
      kind: 'address',
      reason: 'erased',
      source: 'erasure',
      createdAt: new Date(),
    });
    const outcome = await writer.write(
      list,
      rows({ email: 'left@x.io' }, { email: 'gone@x.io' }, { email: 'ok@x.io' }),
      'csv_import',
    );
    expect(outcome.created).toBe(1);
    expect(outcome.errors.map((e) => [e.ref, e.email, e.code])).toEqual([
      [3, 'gone@x.io', 'ADDRESS_ERASED'],
      [2, 'left@x.io', 'PREVIOUSLY_UNSUBSCRIBED'],
    ]);
    expect(db.subscribers.map((s) => s.email).sort()).toEqual(['left@x.io', 'ok@x.io']);
  });

  it('refuses a row whose attributes would grow past the limit once merged', async () => {
    const { db, list, writer, rows } = setup();
    await writer.write(
      list,
      rows({ email: 'a@x.io', attributes: { bio: 'x'.repeat(10000) } }),
      'csv_import',
    );
    const outcome = await writer.write(
      list,
      rows({ email: 'a@x.io', attributes: { notes: 'y'.repeat(10000) } }),
      'csv_import',
    );
    expect(outcome.errors).toEqual([
      {
        ref: 2,
        email: 'a@x.io',
        code: 'INVALID_ATTRIBUTES',
        reason: expect.stringMatching(
          /^attributes are \d+ bytes as JSON; the limit is 16384 once merged with the stored ones$/,
        ),
      },
    ]);
    expect(db.subscribers[0].attributes).toEqual({ bio: 'x'.repeat(10000) });
  });

  it('undoes the memberships and ledger entries of a chunk whose events cannot be produced', async () => {
    const { db, list, publisher, writer, rows } = setup();
    publisher.failing = true;
    await expect(writer.write(list, rows({ email: 'a@x.io' }), 'csv_import')).rejects.toThrow(
      ListError,
    );
    await expect(writer.write(list, rows({ email: 'a@x.io' }), 'csv_import')).rejects.toMatchObject(
      {
        code: 'EVENTS_UNAVAILABLE',
      },
    );
    expect(db.memberships).toHaveLength(0);
    expect(db.consentRecords).toHaveLength(0);
    publisher.failing = false;
    expect(await writer.write(list, rows({ email: 'a@x.io' }), 'csv_import')).toMatchObject({
      created: 1,
    });
  });
});

describe('mergedFields', () => {
  it('sets only what differs, attribute by attribute', () => {
    const current = { name: 'A', attributes: { plan: 'free', seats: 2 } };
    expect(
      mergedFields(current, input({ email: 'a@x.io', name: 'A', attributes: { plan: 'free' } })),
    ).toEqual({ ok: true });
    expect(
      mergedFields(
        current,
        input({ email: 'a@x.io', name: 'B', attributes: { seats: 3, vip: true } }),
      ),
    ).toEqual({
      ok: true,
      fields: { name: 'B', 'attributes.seats': 3, 'attributes.vip': true },
    });
  });
});
