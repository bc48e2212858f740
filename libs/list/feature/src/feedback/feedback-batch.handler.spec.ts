import { events } from '@postline/contracts';
import { ENGAGEMENT_EVENT_WINDOW } from '@postline/list/data-access';
import { addressHash, ListError } from '@postline/list/domain';
import { PayloadDecodeError, PermanentRecordError } from '@postline/platform/kafka';
import {
  count,
  deliveryRecord,
  featureFixture,
  noHeartbeat,
  rawRecord,
} from '../test/feature-fixture';

const T = events.DeliveryEventType;

function setup(softBounceLimit = 3) {
  const f = featureFixture(softBounceLimit);
  const list = f.db.addList('t1');
  const other = f.db.addList('t1');
  const ann = f.db.addSubscriber('t1', 'Ann@example.com');
  f.db.addMembership(list, ann);
  f.db.addMembership(other, ann);
  const handle = (records: ReturnType<typeof deliveryRecord>[]) =>
    f.feedback.handle(records, noHeartbeat);
  const ev = (
    type: events.DeliveryEventType,
    eventId: string,
    over: Partial<events.DeliveryEvent> = {},
  ) =>
    deliveryRecord({
      eventId,
      messageId: 'm1',
      tenantId: 't1',
      subscriberId: ann._id.toHexString(),
      recipient: 'Ann@example.com',
      type,
      ...over,
    });
  return { ...f, list, other, ann, handle, ev };
}

describe('FeedbackBatchHandler', () => {
  it('suppresses a hard-bounced recipient once, however often the batch is replayed', async () => {
    const { db, handle, ev, metrics } = setup();
    const batch = [ev(T.DELIVERY_EVENT_TYPE_BOUNCED, 'm1:bounced:1', { hardBounce: true })];
    expect(await handle(batch)).toEqual([undefined]);
    expect(await handle(batch)).toEqual([undefined]);
    expect(db.suppressions).toEqual([
      {
        _id: `t1:a:${addressHash('ann@example.com')}`,
        tenantId: 't1',
        kind: 'address',
        address: 'Ann@example.com',
        addressHash: addressHash('ann@example.com'),
        reason: 'hard_bounce',
        source: 'event:m1:bounced:1',
        createdAt: expect.any(Date),
      },
    ]);
    expect(await count(metrics.suppressionsAdded, { reason: 'hard_bounce' })).toBe(1);
    expect(await count(metrics.feedbackEvents, { type: 'bounced', result: 'applied' })).toBe(2);
  });

  it('suppresses a complaint, also of mail sent to no subscriber', async () => {
    const { db, handle, ev } = setup();
    await handle([
      ev(T.DELIVERY_EVENT_TYPE_COMPLAINED, 'c1', { subscriberId: '', recipient: 'x@y.example' }),
    ]);
    expect(db.suppressions.map((s) => [s.address, s.reason])).toEqual([
      ['x@y.example', 'complaint'],
    ]);
  });

  it('never rewrites an existing entry: an erased address stays hash-only', async () => {
    const { db, handle, ev, suppressions } = setup();
    await suppressions.add('t1', { address: 'ann@example.com', reason: 'manual' });
    db.suppressions[0].reason = 'erased';
    delete db.suppressions[0].address;
    await handle([ev(T.DELIVERY_EVENT_TYPE_BOUNCED, 'b1', { hardBounce: true })]);
    expect(db.suppressions).toHaveLength(1);
    expect(db.suppressions[0]).not.toHaveProperty('address');
    expect(db.suppressions[0].reason).toBe('erased');
  });

  it('suppresses after N soft bounces in a row; a delivery in between resets the streak', async () => {
    const { db, ann, handle, ev } = setup(3);
    await handle([
      ev(T.DELIVERY_EVENT_TYPE_BOUNCED, 's1'),
      ev(T.DELIVERY_EVENT_TYPE_BOUNCED, 's2'),
    ]);
    await handle([
      ev(T.DELIVERY_EVENT_TYPE_DELIVERED, 'd1'),
      ev(T.DELIVERY_EVENT_TYPE_BOUNCED, 's3'),
    ]);
    expect(ann.engagement?.softBounceStreak).toBe(1);
    expect(db.suppressions).toHaveLength(0);
    await handle([
      ev(T.DELIVERY_EVENT_TYPE_BOUNCED, 's4'),
      ev(T.DELIVERY_EVENT_TYPE_BOUNCED, 's5'),
    ]);
    expect(ann.engagement?.softBounceStreak).toBe(3);
    expect(db.suppressions.map((s) => [s.address, s.reason, s.source])).toEqual([
      ['Ann@example.com', 'soft_bounce', 'soft-bounce streak of 3'],
    ]);
  });

  it('counts a replayed soft bounce once, and a replayed reset does not undo later bounces', async () => {
    const { ann, handle, ev } = setup(10);
    const batch = [
      ev(T.DELIVERY_EVENT_TYPE_BOUNCED, 's1'),
      ev(T.DELIVERY_EVENT_TYPE_DELIVERED, 'd1'),
      ev(T.DELIVERY_EVENT_TYPE_BOUNCED, 's2'),
    ];
    await handle(batch);
    expect(ann.engagement?.softBounceStreak).toBe(1);
    await handle(batch);
    expect(ann.engagement?.softBounceStreak).toBe(1);
  });

  it('counts opens and clicks with their latest times, once per event', async () => {
    const { ann, handle, ev } = setup();
    const t = (iso: string) => new Date(iso);
    const batch = [
      ev(T.DELIVERY_EVENT_TYPE_OPENED, 'o1', { occurredAt: t('2025-01-02T00:00:00Z') }),
      ev(T.DELIVERY_EVENT_TYPE_OPENED, 'o2', { occurredAt: t('2025-01-01T00:00:00Z') }),
      ev(T.DELIVERY_EVENT_TYPE_CLICKED, 'c1', { occurredAt: t('2025-01-03T00:00:00Z') }),
    ];
    await handle(batch);
    await handle(batch.slice(1));
    expect(ann.engagement).toMatchObject({
      opens: 2,
      clicks: 1,
      lastOpenAt: t('2025-01-02T00:00:00Z'),
      lastClickAt: t('2025-01-03T00:00:00Z'),
    });
  });

  it('keeps the remembered event ids to a bounded window', async () => {
    const { ann, handle, ev } = setup();
    const opens = Array.from({ length: ENGAGEMENT_EVENT_WINDOW + 5 }, (_, i) =>
      ev(T.DELIVERY_EVENT_TYPE_OPENED, `o${i}`),
    );
    await handle(opens);
    expect(ann.engagement?.opens).toBe(ENGAGEMENT_EVENT_WINDOW + 5);
    expect(ann.engagement?.eventIds).toHaveLength(ENGAGEMENT_EVENT_WINDOW);
    expect(ann.engagement?.eventIds?.[0]).toBe('o5');
  });

  it('ignores engagement of mail that had no subscriber', async () => {
    const { db, handle, ev, metrics } = setup();
    expect(await handle([ev(T.DELIVERY_EVENT_TYPE_OPENED, 'o1', { subscriberId: '' })])).toEqual([
      undefined,
    ]);
    expect(db.subscribers[0].engagement).toBeUndefined();
    expect(await count(metrics.feedbackEvents, { type: 'opened', result: 'ignored' })).toBe(1);
  });

  it('unsubscribes from every list of the tenant (the event names no list) and announces each once', async () => {
    const { db, ann, list, other, publisher, handle, ev } = setup();
    const batch = [ev(T.DELIVERY_EVENT_TYPE_UNSUBSCRIBED, 'u1')];
    await handle(batch);
    await handle(batch);
    expect(db.memberships.map((m) => [m.status, m.unsubscribeSource])).toEqual([
      ['unsubscribed', 'delivery_event'],
      ['unsubscribed', 'delivery_event'],
    ]);
    expect(publisher.unsubscribedFacts.map((f) => [f.listId, f.subscriberId, f.cause])).toEqual([
      [list._id.toHexString(), ann._id.toHexString(), 'u1'],
      [other._id.toHexString(), ann._id.toHexString(), 'u1'],
    ]);
  });

  it('finds the subscriber by recipient address when the event carries no subscriber id', async () => {
    const { db, handle, ev } = setup();
    await handle([ev(T.DELIVERY_EVENT_TYPE_UNSUBSCRIBED, 'u1', { subscriberId: '' })]);
    expect(db.memberships.every((m) => m.status === 'unsubscribed')).toBe(true);
  });

  it('dead-letters records it can never handle and applies the rest of the batch', async () => {
    const { db, handle, ev, metrics } = setup();
    const results = await handle([
      rawRecord(Buffer.from([0xff, 0xff, 0xff])),
      ev(T.DELIVERY_EVENT_TYPE_BOUNCED, 'b1', { hardBounce: true, tenantId: '' }),
      ev(T.DELIVERY_EVENT_TYPE_COMPLAINED, 'c1', { recipient: 'not an address' }),
      ev(T.DELIVERY_EVENT_TYPE_BOUNCED, 'b2', { hardBounce: true }),
    ]);
    expect(results[0]).toBeInstanceOf(PayloadDecodeError);
    expect(results[1]).toBeInstanceOf(PermanentRecordError);
    expect(results[1]?.message).toBe('bounced event has no tenant_id');
    expect(results[2]?.message).toMatch(/^complained event recipient/);
    expect(results[3]).toBeUndefined();
    expect(db.suppressions).toHaveLength(1);
    expect(
      await count(metrics.feedbackEvents, { type: 'unrecognized', result: 'dead_lettered' }),
    ).toBe(1);
  });

  it('throws (so the batch is retried) and changes no membership when Kafka refuses the events', async () => {
    const { db, publisher, handle, ev } = setup();
    publisher.failing = true;
    await expect(handle([ev(T.DELIVERY_EVENT_TYPE_UNSUBSCRIBED, 'u1')])).rejects.toThrow(ListError);
    expect(db.memberships.every((m) => m.status === 'subscribed')).toBe(true);
  });
});
