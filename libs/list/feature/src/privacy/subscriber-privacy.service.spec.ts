import { addressHash, type ListError } from '@postline/list/domain';
import { BulkSubscribeService } from '../bulk-subscribe.service';
import type { ListEventsPublisher } from '../list-events.publisher';
import { ListsService } from '../lists.service';
import { RecipientsService } from '../recipients.service';
import { SubscribeService } from '../subscribe.service';
import { silentLogger } from '../test/fake-list-store';
import { CONFIRM_SETTINGS, featureFixture } from '../test/feature-fixture';
import { SubscriberPrivacyService } from './subscriber-privacy.service';

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: ListError) => e.code,
  );

function setup() {
  const f = featureFixture();
  const news = f.db.addList('t1');
  const promos = f.db.addList('t1');
  const lists = new ListsService(f.store);
  const pub = f.publisher as unknown as ListEventsPublisher;
  return {
    ...f,
    news,
    promos,
    single: new SubscribeService(f.store, lists, pub, f.metrics, silentLogger, CONFIRM_SETTINGS),
    bulk: new BulkSubscribeService(f.store, lists, pub, f.metrics, silentLogger),
    privacy: new SubscriberPrivacyService(f.store, f.unsubscribe, f.metrics, silentLogger),
    recipients: new RecipientsService(f.store, { streamJoin: 'lookup' }),
  };
}

const consent = {
  source: 'signup form',
  ip: '203.0.113.9',
  userAgent: 'Mozilla/5.0',
  formText: 'Yes, send me the newsletter.',
};

describe('consent ledger', () => {
  it('records a subscription with the evidence the caller sent, and a bulk row with its own', async () => {
    const { db, news, promos, single, bulk } = setup();
    await single.subscribe('t1', news._id.toHexString(), { email: 'ann@example.com', consent });
    await bulk.run('t1', promos._id.toHexString(), [
      { email: 'ann@example.com' },
      {
        email: 'bob@example.com',
        consent: { source: 'import 2025-06', at: '2025-01-01T00:00:00Z' },
      },
    ]);
    expect(db.consentRecords.map((r) => [r.action, r.source, r.ip, r.formText])).toEqual([
      ['subscribed', 'signup form', '203.0.113.9', 'Yes, send me the newsletter.'],
      ['subscribed', 'bulk_api', undefined, undefined],
      ['subscribed', 'import 2025-06', undefined, undefined],
    ]);
    expect(db.consentRecords[2].at).toEqual(new Date('2025-01-01T00:00:00Z'));
  });

  it('leaves no ledger entry behind for a subscription that was undone', async () => {
    const { db, news, single, bulk, publisher } = setup();
    publisher.failing = true;
    await codeOf(single.subscribe('t1', news._id.toHexString(), { email: 'a@example.com' }));
    await codeOf(bulk.run('t1', news._id.toHexString(), [{ email: 'b@example.com' }]));
    expect(db.consentRecords).toEqual([]);
  });

  it('refuses a malformed consent object and writes nothing', async () => {
    const { db, news, single } = setup();
    expect(
      await codeOf(
        single.subscribe('t1', news._id.toHexString(), {
          email: 'a@example.com',
          consent: { ip: 'not-an-ip' },
        }),
      ),
    ).toBe('INVALID_CONSENT');
    expect([db.subscribers.length, db.consentRecords.length]).toEqual([0, 0]);
  });

  it('records a one-click unsubscribe with the request’s address and browser', async () => {
    const { db, news, single, unsubscribe } = setup();
    const ann = await single.subscribe('t1', news._id.toHexString(), { email: 'a@example.com' });
    await unsubscribe.apply(
      [
        {
          tenantId: 't1',
          subscriberId: db.subscribers[0]._id,
          listId: news._id,
          cause: 'one-click:m1',
          at: new Date(),
          evidence: { ip: '198.51.100.4', userAgent: 'Gmail' },
        },
      ],
      'one_click',
    );
    expect(db.consentRecords.map((r) => [r.action, r.source, r.ip, r.userAgent, r.ref])).toEqual([
      ['subscribed', 'api', undefined, undefined, undefined],
      ['unsubscribed', 'one_click', '198.51.100.4', 'Gmail', 'one-click:m1'],
    ]);
    expect(ann.id).toBe(db.subscribers[0]._id.toHexString());
  });
});

describe('SubscriberPrivacyService', () => {
  it('exports the subscriber, memberships with list names, the ledger and applying suppressions', async () => {
    const { news, single, privacy, suppressions } = setup();
    const ann = await single.subscribe('t1', news._id.toHexString(), {
      email: 'ann@example.com',
      name: 'Ann',
      consent,
    });
    await suppressions.add('t1', { domain: 'example.com', reason: 'complaint' });
    const out = await privacy.export('t1', ann.id);
    expect(out).toMatchObject({
      subscriber: { id: ann.id, email: 'ann@example.com', name: 'Ann' },
      engagement: { opens: 0, clicks: 0, lastOpenAt: null },
      memberships: [{ listId: news._id.toHexString(), listName: 'L', status: 'subscribed' }],
      consent: [{ action: 'subscribed', source: 'signup form', ip: '203.0.113.9' }],
      suppressions: [{ id: 'd:example.com', reason: 'complaint' }],
    });
    expect(await codeOf(privacy.export('t2', ann.id))).toBe('NOT_FOUND');
    expect(await codeOf(privacy.export('t1', 'nope'))).toBe('INVALID_ID');
  });

  it('erases: only a hash-only suppression entry remains, memberships end with an event', async () => {
    const { db, news, promos, single, privacy, publisher, suppressions } = setup();
    const ann = await single.subscribe('t1', news._id.toHexString(), { email: 'Ann@example.com' });
    await single.subscribe('t1', promos._id.toHexString(), { email: 'Ann@example.com' });
    await suppressions.add('t1', { address: 'ann@example.com', reason: 'hard_bounce' });
    const result = await privacy.erase('t1', ann.id);
    expect(result).toMatchObject({
      id: ann.id,
      erased: true,
      membershipsRemoved: 2,
      consentRecordsRemoved: 2,
      suppression: { id: `a:${addressHash('ann@example.com')}`, reason: 'erased' },
    });
    expect(result.suppression).not.toHaveProperty('address');
    expect([db.subscribers, db.memberships, db.consentRecords]).toEqual([[], [], []]);
    expect(db.suppressions).toEqual([
      expect.objectContaining({ reason: 'erased', source: 'erasure' }),
    ]);
    expect(db.suppressions[0]).not.toHaveProperty('address');
    expect(JSON.stringify(db.suppressions)).not.toMatch(/ann@/i);
    expect(publisher.unsubscribedFacts.map((f) => f.cause)).toEqual(['erasure', 'erasure']);
    expect(await codeOf(privacy.erase('t1', ann.id))).toBe('NOT_FOUND');
  });

  it('keeps an erased address out of later imports, single and bulk, in any letter case', async () => {
    const { news, single, bulk, privacy, db } = setup();
    const ann = await single.subscribe('t1', news._id.toHexString(), { email: 'ann@example.com' });
    await privacy.erase('t1', ann.id);
    expect(
      await codeOf(single.subscribe('t1', news._id.toHexString(), { email: 'ANN@example.com' })),
    ).toBe('ADDRESS_ERASED');
    const result = await bulk.run('t1', news._id.toHexString(), [
      { email: 'bob@example.com' },
      { email: 'Ann@Example.com' },
    ]);
    expect(result).toMatchObject({
      created: 1,
      failed: 1,
      errors: [{ index: 1, code: 'ADDRESS_ERASED' }],
    });
    expect(db.subscribers.map((s) => s.email)).toEqual(['bob@example.com']);
  });

  it('keeps the address out of streams even if its subscriber document survived', async () => {
    const { db, news, privacy, single, recipients } = setup();
    const ann = await single.subscribe('t1', news._id.toHexString(), { email: 'ann@example.com' });
    const copy = { ...db.subscribers[0] };
    await privacy.erase('t1', ann.id);
    // A stale copy (restored backup, racing import) is still never streamed.
    db.subscribers.push(copy);
    db.addMembership(news, copy);
    expect(await recipients.count('t1', news._id)).toBe(0);
  });
});
