import { ListError } from '@postline/list/domain';
import { signToken, type MessageClaims } from '@postline/shared/signed-token';
import { count, featureFixture, SIGNING_SECRET } from '../test/feature-fixture';

function setup() {
  const f = featureFixture();
  const news = f.db.addList('t1');
  const promos = f.db.addList('t1');
  const ann = f.db.addSubscriber('t1', 'ann@example.com');
  f.db.addMembership(news, ann);
  f.db.addMembership(promos, ann);
  const claims: MessageClaims = {
    tenant: 't1',
    subscriber: ann._id.toHexString(),
    list: news._id.toHexString(),
    campaign: 'c1',
    message: '0123456789abcdef0123456789abcdef',
  };
  const token = (over: Partial<MessageClaims> = {}, secret = SIGNING_SECRET) =>
    signToken('unsubscribe', { ...claims, ...over }, secret);
  return { ...f, news, promos, ann, claims, token };
}

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'OK';
  } catch (e) {
    return (e as ListError).code;
  }
};

describe('OneClickService', () => {
  it('reads tenant, subscriber, list and message from a token render signed', () => {
    const { oneClick, token, ann, news } = setup();
    const target = oneClick.target(token());
    expect(target.tenantId).toBe('t1');
    expect(target.subscriberId.equals(ann._id)).toBe(true);
    expect(target.listId?.equals(news._id)).toBe(true);
    expect(target.messageId).toBe('0123456789abcdef0123456789abcdef');
  });

  it('tells a forged token (403 TOKEN_REJECTED) from a garbled one (400 INVALID_TOKEN)', () => {
    const { oneClick, token } = setup();
    expect(codeOf(() => oneClick.target(token({}, 'another-secret')))).toBe('TOKEN_REJECTED');
    const [body, sig] = token().split('.');
    const tampered = `${Buffer.from('{"tenant":"t2"}').toString('base64url')}.${sig}`;
    expect(codeOf(() => oneClick.target(tampered))).toBe('TOKEN_REJECTED');
    expect(codeOf(() => oneClick.target(body))).toBe('INVALID_TOKEN');
    expect(codeOf(() => oneClick.target('x'.repeat(5000)))).toBe('INVALID_TOKEN');
    expect(codeOf(() => oneClick.target(''))).toBe('INVALID_TOKEN');
  });

  it('refuses a correctly signed token whose ids are not this service’s', () => {
    const { oneClick, token } = setup();
    expect(codeOf(() => oneClick.target(token({ subscriber: 'sub-1' })))).toBe('INVALID_TOKEN');
    expect(codeOf(() => oneClick.target(token({ list: 'news' })))).toBe('INVALID_TOKEN');
    expect(codeOf(() => oneClick.target(token({ tenant: 'a b' })))).toBe('INVALID_TOKEN');
  });

  it('unsubscribes from the token’s list only, announces it, and a replay announces nothing', async () => {
    const { db, oneClick, token, publisher, news, promos, metrics } = setup();
    const target = oneClick.target(token());
    expect(await oneClick.unsubscribe(target)).toBe('unsubscribed');
    expect(await oneClick.unsubscribe(target)).toBe('already_unsubscribed');
    const statusOf = (listId: typeof news._id) =>
      db.memberships.find((m) => m.listId.equals(listId))?.status;
    expect(statusOf(news._id)).toBe('unsubscribed');
    expect(statusOf(promos._id)).toBe('subscribed');
    expect(publisher.unsubscribedFacts).toEqual([
      expect.objectContaining({
        listId: news._id.toHexString(),
        cause: 'one-click:0123456789abcdef0123456789abcdef',
      }),
    ]);
    expect(await count(metrics.unsubscribes, { source: 'one_click' })).toBe(1);
  });

  it('unsubscribes from every list when the token names none', async () => {
    const { db, oneClick, token } = setup();
    expect(await oneClick.unsubscribe(oneClick.target(token({ list: undefined })))).toBe(
      'unsubscribed',
    );
    expect(db.memberships.map((m) => m.status)).toEqual(['unsubscribed', 'unsubscribed']);
  });

  it('answers not_subscribed for a subscriber or tenant it does not know, changing nothing', async () => {
    const { db, oneClick, token, publisher } = setup();
    expect(await oneClick.unsubscribe(oneClick.target(token({ subscriber: 'f'.repeat(24) })))).toBe(
      'not_subscribed',
    );
    expect(await oneClick.unsubscribe(oneClick.target(token({ tenant: 't2' })))).toBe(
      'not_subscribed',
    );
    expect(db.memberships.every((m) => m.status === 'subscribed')).toBe(true);
    expect(publisher.unsubscribedFacts).toEqual([]);
  });

  it('changes nothing and reports EVENTS_UNAVAILABLE when Kafka refuses', async () => {
    const { db, oneClick, token, publisher } = setup();
    publisher.failing = true;
    await expect(oneClick.unsubscribe(oneClick.target(token()))).rejects.toMatchObject({
      code: 'EVENTS_UNAVAILABLE',
    });
    expect(db.memberships.every((m) => m.status === 'subscribed')).toBe(true);
  });
});
