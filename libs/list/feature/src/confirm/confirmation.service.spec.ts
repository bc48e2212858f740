import { ListError, suppressionKey } from '@postline/list/domain';
import { signToken, type ConfirmClaims } from '@postline/shared/signed-token';
import { count, featureFixture, SIGNING_SECRET } from '../test/feature-fixture';
import { CONFIRM_PATH, issueConfirmationLink, readConfirmationLink } from './confirmation-link';

function setup() {
  const f = featureFixture();
  const list = f.db.addList('t1', 'double');
  const listId = list._id.toHexString();
  /** Signs up and returns the answer and the token of its confirmation link. */
  const signUp = async (email = 'ann@example.com', consent?: Record<string, unknown>) => {
    const view = await f.subscribe.subscribe('t1', listId, { email, consent });
    const url = view.confirmation?.url ?? '';
    return { view, token: url.slice(url.indexOf(CONFIRM_PATH) + CONFIRM_PATH.length) };
  };
  const confirm = (token: string, now = new Date()) =>
    f.confirmations.confirm(f.confirmations.target(token, now), {
      ip: '198.51.100.7',
      userAgent: 'Mozilla/5.0 (test)',
    });
  const membership = () => f.db.memberships[0];
  return { ...f, list, listId, signUp, confirm, membership };
}

const codeOf = async (fn: () => unknown): Promise<string> => {
  try {
    await fn();
    return 'OK';
  } catch (e) {
    if (!(e instanceof ListError)) throw e;
    return e.code;
  }
};

describe('double opt-in sign-up', () => {
  it('adds the member unconfirmed, answers the link, records the request and announces it', async () => {
    const { signUp, db, publisher, membership, metrics } = setup();
    const { view } = await signUp('ann@example.com', { source: 'footer form', ip: '203.0.113.9' });
    expect(view.status).toBe('unconfirmed');
    expect(view.confirmation?.url).toMatch(
      /^https:\/\/t\.example\.com\/u\/confirm\/[\w-]+\.[\w-]+$/,
    );
    expect(membership()).toMatchObject({
      status: 'unconfirmed',
      confirmation: { nonce: expect.any(String), expiresAt: expect.any(Date) },
    });
    const expiresAt = membership().confirmation!.expiresAt;
    expect(view.confirmation?.expiresAt).toBe(expiresAt.toISOString());
    expect(
      expiresAt.getTime() - membership().confirmation!.requestedAt.getTime(),
    ).toBeLessThanOrEqual(48 * 3600_000);
    expect(db.consentRecords.map((r) => [r.action, r.source, r.ip])).toEqual([
      ['confirmation_requested', 'footer form', '203.0.113.9'],
    ]);
    expect(publisher.subscribedFacts).toEqual([]);
    expect(publisher.confirmationRequestedFacts).toEqual([
      expect.objectContaining({
        subscriberId: view.id,
        confirmationUrl: view.confirmation?.url,
        nonce: membership().confirmation!.nonce,
      }),
    ]);
    expect(await count(metrics.doubleOptin, { step: 'requested' })).toBe(1);
  });

  it('keeps single opt-in lists as they were: subscribed at once, no link', async () => {
    const { db, subscribe, publisher } = setup();
    const single = db.addList('t1');
    const view = await subscribe.subscribe('t1', single._id.toHexString(), {
      email: 'bob@example.com',
    });
    expect(view.status).toBe('subscribed');
    expect(view.confirmation).toBeUndefined();
    expect(publisher.subscribedFacts).toHaveLength(1);
    expect(publisher.confirmationRequestedFacts).toEqual([]);
  });

  it('leaves nothing behind when the request cannot be announced', async () => {
    const { signUp, db, publisher } = setup();
    publisher.failing = true;
    expect(await codeOf(() => signUp())).toBe('EVENTS_UNAVAILABLE');
    expect([db.subscribers, db.memberships, db.consentRecords]).toEqual([[], [], []]);
  });

  it('sends a new link to an unconfirmed address that signs up again, retiring the old one', async () => {
    const { signUp, confirm, db, publisher, membership } = setup();
    const first = await signUp();
    const second = await signUp();
    expect(second.view.status).toBe('unconfirmed');
    expect(second.token).not.toBe(first.token);
    expect(publisher.confirmationRequestedFacts).toHaveLength(2);
    expect(db.consentRecords.map((r) => r.action)).toEqual([
      'confirmation_requested',
      'confirmation_requested',
    ]);
    expect(await codeOf(() => confirm(first.token))).toBe('TOKEN_SUPERSEDED');
    expect(membership().status).toBe('unconfirmed');
    expect(await confirm(second.token)).toBe('confirmed');
  });

  it('keeps the old link working when the new one cannot be announced', async () => {
    const { signUp, confirm, db, publisher } = setup();
    const first = await signUp();
    publisher.failing = true;
    expect(await codeOf(() => signUp())).toBe('EVENTS_UNAVAILABLE');
    expect(db.consentRecords).toHaveLength(1);
    publisher.failing = false;
    expect(await confirm(first.token)).toBe('confirmed');
  });
});

describe('ConfirmationService', () => {
  it('confirms: subscribed, a double_opt_in ledger entry with IP and user agent, a CONFIRMED event', async () => {
    const { signUp, confirm, db, publisher, membership, metrics } = setup();
    const { view, token } = await signUp();
    expect(await confirm(token)).toBe('confirmed');
    expect(membership()).toMatchObject({ status: 'subscribed', confirmedAt: expect.any(Date) });
    expect(db.consentRecords.at(-1)).toMatchObject({
      action: 'confirmed',
      source: 'double_opt_in',
      ip: '198.51.100.7',
      userAgent: 'Mozilla/5.0 (test)',
      at: expect.any(Date),
    });
    expect(publisher.confirmedFacts).toEqual([
      expect.objectContaining({
        subscriberId: view.id,
        membershipId: membership()._id.toHexString(),
      }),
    ]);
    expect(await count(metrics.doubleOptin, { step: 'confirmed' })).toBe(1);
  });

  it('refuses a replayed link with ALREADY_CONFIRMED, recording and announcing nothing more', async () => {
    const { signUp, confirm, db, publisher } = setup();
    const { token } = await signUp();
    await confirm(token);
    const records = db.consentRecords.length;
    expect(await codeOf(() => confirm(token))).toBe('ALREADY_CONFIRMED');
    expect(db.consentRecords).toHaveLength(records);
    expect(publisher.confirmedFacts).toHaveLength(1);
  });

  it('refuses an expired link with TOKEN_EXPIRED and a forged or garbled one with 403/400 codes', async () => {
    const { signUp, confirm, confirmations, membership } = setup();
    const { token } = await signUp();
    const later = new Date(Date.now() + 49 * 3600_000);
    expect(await codeOf(() => confirm(token, later))).toBe('TOKEN_EXPIRED');
    const claims = JSON.parse(
      Buffer.from(token.split('.')[0], 'base64url').toString(),
    ) as ConfirmClaims;
    const forged = signToken('confirm', claims, 'another-secret');
    expect(await codeOf(() => confirmations.target(forged))).toBe('TOKEN_REJECTED');
    const stretched = `${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 1e6 })).toString('base64url')}.${token.split('.')[1]}`;
    expect(await codeOf(() => confirmations.target(stretched))).toBe('TOKEN_REJECTED');
    const unsubscribeToken = signToken(
      'unsubscribe',
      { tenant: 't1', subscriber: claims.subscriber, campaign: 'c', message: 'm' },
      SIGNING_SECRET,
    );
    expect(await codeOf(() => confirmations.target(unsubscribeToken))).toBe('TOKEN_REJECTED');
    expect(await codeOf(() => confirmations.target('garbled'))).toBe('INVALID_TOKEN');
    expect(await codeOf(() => confirmations.target(token.slice(0, 30)))).toBe('INVALID_TOKEN');
    expect(await codeOf(() => confirmations.target('x'.repeat(5000)))).toBe('INVALID_TOKEN');
    const foreign = signToken('confirm', { ...claims, subscriber: 'user-17' }, SIGNING_SECRET);
    expect(await codeOf(() => confirmations.target(foreign))).toBe('INVALID_TOKEN');
    expect(membership().status).toBe('unconfirmed');
  });

  it('never confirms a member who left, an address suppressed or not active, or one erased', async () => {
    const { signUp, confirm, db, membership, publisher } = setup();
    const { token } = await signUp();

    membership().status = 'unsubscribed';
    expect(await codeOf(() => confirm(token))).toBe('NOT_CONFIRMABLE');
    membership().status = 'unconfirmed';

    db.subscribers[0].globalStatus = 'bounced';
    expect(await codeOf(() => confirm(token))).toBe('NOT_CONFIRMABLE');
    db.subscribers[0].globalStatus = 'active';

    db.suppressions.push({
      _id: suppressionKey('t1', { kind: 'domain', domain: 'example.com' }),
      tenantId: 't1',
      kind: 'domain',
      domain: 'example.com',
      reason: 'manual',
      source: 'api',
      createdAt: new Date(),
    });
    expect(await codeOf(() => confirm(token))).toBe('NOT_CONFIRMABLE');
    db.suppressions.length = 0;

    db.memberships.length = 0;
    expect(await codeOf(() => confirm(token))).toBe('NOT_FOUND');
    expect(publisher.confirmedFacts).toEqual([]);
    expect(db.consentRecords.map((r) => r.action)).toEqual(['confirmation_requested']);
  });

  it('refuses a genuine link of another tenant as not found', async () => {
    const { signUp, confirm } = setup();
    const { token } = await signUp();
    const claims = JSON.parse(
      Buffer.from(token.split('.')[0], 'base64url').toString(),
    ) as ConfirmClaims;
    expect(
      await codeOf(() =>
        confirm(signToken('confirm', { ...claims, tenant: 't2' }, SIGNING_SECRET)),
      ),
    ).toBe('NOT_FOUND');
  });

  it('changes nothing and answers EVENTS_UNAVAILABLE when Kafka refuses, so the link works later', async () => {
    const { signUp, confirm, db, publisher, membership } = setup();
    const { token } = await signUp();
    publisher.failing = true;
    expect(await codeOf(() => confirm(token))).toBe('EVENTS_UNAVAILABLE');
    expect(membership().status).toBe('unconfirmed');
    expect(db.consentRecords).toHaveLength(1);
    publisher.failing = false;
    expect(await confirm(token)).toBe('confirmed');
  });
});

describe('confirmation links', () => {
  const ids = () => {
    const f = featureFixture();
    const list = f.db.addList('t1', 'double');
    const s = f.db.addSubscriber('t1', 'ann@example.com');
    return { tenantId: 't1', subscriberId: s._id, listId: list._id };
  };
  const settings = {
    signingSecret: SIGNING_SECRET,
    publicBaseUrl: 'https://t.example.com/base/',
    confirmationTtlHours: 1,
  };

  it('puts the token under /u/confirm/ of the public base and reads back what it names', () => {
    const now = new Date('2025-03-01T12:00:00.500Z');
    const link = issueConfirmationLink(settings, ids(), now);
    expect(link.url).toBe(`https://t.example.com/base/u/confirm/${link.token}`);
    expect(link.pending.expiresAt.toISOString()).toBe('2025-03-01T13:00:00.000Z');
    const target = readConfirmationLink(link.token, SIGNING_SECRET, now);
    expect(target.nonce).toBe(link.pending.nonce);
    expect(target.tenantId).toBe('t1');
  });

  it('gives every link its own nonce', () => {
    const now = new Date();
    const a = issueConfirmationLink(settings, ids(), now);
    const b = issueConfirmationLink(settings, ids(), now);
    expect(a.pending.nonce).not.toBe(b.pending.nonce);
  });
});
