import { addressHash, type ListError } from '@postline/list/domain';
import { newObjectId } from '@postline/list/data-access';
import { RecipientsService } from '../recipients.service';
import { count, featureFixture } from '../test/feature-fixture';

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: ListError) => e.code,
  );

describe('SuppressionsService', () => {
  it('adds an entry once: a second add returns the existing one, not counted again', async () => {
    const { suppressions, db, metrics } = featureFixture();
    const first = await suppressions.add('t1', { address: 'Ann@Example.com', source: 'crm' });
    expect(first).toEqual({
      created: true,
      entry: {
        id: `a:${addressHash('ann@example.com')}`,
        kind: 'address',
        address: 'Ann@example.com',
        addressHash: addressHash('ann@example.com'),
        reason: 'manual',
        source: 'crm',
        createdAt: expect.any(String),
      },
    });
    const again = await suppressions.add('t1', { address: 'ann@example.com', reason: 'complaint' });
    expect(again).toEqual({ created: false, entry: first.entry });
    expect(db.suppressions).toHaveLength(1);
    expect(await count(metrics.suppressionsAdded, { reason: 'manual' })).toBe(1);
  });

  it('writes nothing for a refused body', async () => {
    const { suppressions, db } = featureFixture();
    expect(await codeOf(suppressions.add('t1', { domain: 'localhost' }))).toBe('INVALID_DOMAIN');
    expect(await codeOf(suppressions.add('t1', { address: 'a@b.co', reason: 'erased' }))).toBe(
      'INVALID_REASON',
    );
    expect(db.suppressions).toHaveLength(0);
  });

  it('checks an address against its own entry and its domain’s, per tenant', async () => {
    const { suppressions } = featureFixture();
    await suppressions.add('t1', { domain: 'example.com', reason: 'complaint' });
    const check = await suppressions.check('t1', 'bob@Mail.Example.com');
    expect(check).toMatchObject({
      address: 'bob@mail.example.com',
      suppressed: true,
      entries: [{ id: 'd:example.com', kind: 'domain', reason: 'complaint' }],
    });
    expect(await suppressions.check('t2', 'bob@mail.example.com')).toEqual({
      address: 'bob@mail.example.com',
      suppressed: false,
      entries: [],
    });
    expect(await codeOf(suppressions.check('t1', 'nope'))).toBe('INVALID_EMAIL');
  });

  it('removes by id, and refuses unknown or malformed ids', async () => {
    const { suppressions } = featureFixture();
    const { entry } = await suppressions.add('t1', { address: 'a@b.co' });
    expect(await codeOf(suppressions.remove('t2', entry.id))).toBe('NOT_FOUND');
    expect(await codeOf(suppressions.remove('t1', entry.id))).toBe('OK');
    expect(await codeOf(suppressions.remove('t1', entry.id))).toBe('NOT_FOUND');
    expect(await codeOf(suppressions.remove('t1', 'a@b.co'))).toBe('INVALID_ID');
    expect((await suppressions.check('t1', 'a@b.co')).suppressed).toBe(false);
  });

  it('pages in id order with a cursor, filtered by reason', async () => {
    const { suppressions } = featureFixture();
    for (let i = 0; i < 5; i++) await suppressions.add('t1', { address: `u${i}@example.com` });
    await suppressions.add('t1', { domain: 'spam.example', reason: 'complaint' });
    await suppressions.add('t2', { address: 'other@example.com' });
    const first = await suppressions.page('t1', 4);
    expect(first.items).toHaveLength(4);
    const rest = await suppressions.page('t1', 4, first.nextCursor!);
    expect(rest.nextCursor).toBeNull();
    const ids = [...first.items, ...rest.items].map((i) => i.id);
    expect(ids).toHaveLength(6);
    expect(ids).toEqual([...ids].sort());
    expect(
      (await suppressions.page('t1', 10, undefined, 'complaint')).items.map((i) => i.id),
    ).toEqual(['d:spam.example']);
    expect(await codeOf(suppressions.page('t1', 10, 'junk'))).toBe('INVALID_CURSOR');
  });
});

describe('RecipientsService with suppressions', () => {
  it('leaves out suppressed addresses and domains, also when a whole page is suppressed', async () => {
    const { db, store, suppressions } = featureFixture();
    const list = db.addList('t1');
    const emails = ['a@keep.example', 'b@gone.example', 'c@sub.gone.example', 'D@keep.example'];
    for (const e of emails) db.addMembership(list, db.addSubscriber('t1', e));
    db.addMembership(list, db.addSubscriber('t1', 'e@keep.example'), 'unsubscribed');
    await suppressions.add('t1', { domain: 'gone.example' });
    await suppressions.add('t1', { address: 'd@KEEP.example', reason: 'hard_bounce' });
    const recipients = new RecipientsService(store, { streamJoin: 'lookup' });
    const pages = [];
    for await (const page of recipients.pages('t1', list._id, undefined, 1))
      pages.push(page.recipients.map((r) => r.email));
    expect(pages.flat()).toEqual(['a@keep.example']);
    // Suppressed members make empty pages, but the stream goes on past them.
    expect(pages.length).toBeGreaterThan(2);
    expect(await recipients.count('t1', list._id)).toBe(1);
    expect(await recipients.count('t1', newObjectId())).toBe(0);
  });
});
