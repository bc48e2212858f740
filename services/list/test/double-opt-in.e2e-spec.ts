// Scenario: a list with double opt-in. A sign-up joins unconfirmed, the answer
// and a CONFIRMATION_REQUESTED event on list.events carry the signed link, and
// recipient streams leave the member out. GET on the link only shows a form;
// POST confirms: subscribed, a consent ledger entry (double_opt_in, IP, user
// agent) and a CONFIRMED event. A replayed link, an expired, forged, garbled
// or superseded one, and links of members who left, are suppressed or were
// erased are refused with distinct errors and change nothing.
import { events, type listV1 } from '@postline/contracts';
import { decodePayload } from '@postline/platform/kafka';
import { TopicTap, type ServiceProcess, type TappedRecord } from '@postline/platform/testing';
import { signToken, type ConfirmClaims } from '@postline/shared/signed-token';
import type { Kafka } from 'kafkajs';
import {
  deleteTopics,
  drain,
  kafkaClient,
  ListApi,
  listClient,
  ListDatabase,
  startListService,
  uniqueDatabase,
  uniqueTenant,
  uniqueTopic,
  type ErrorBody,
} from './support/list-harness';

const SECRET = 'e2e-double-opt-in-secret';
const PUBLIC_BASE = 'https://t.example.test';
const WAIT_MS = 30000;
const { SUBSCRIBER_EVENT_TYPE_CONFIRMATION_REQUESTED: REQUESTED, SUBSCRIBER_EVENT_TYPE_CONFIRMED } =
  events.SubscriberEventType;

interface SignUp {
  id: string;
  status: string;
  confirmation: { url: string; expiresAt: string };
}

describe('Double opt-in', () => {
  const listTopic = uniqueTopic('list.events.v1');
  const dbName = uniqueDatabase('optin');
  const tenantId = uniqueTenant('optin');
  const kafka: Kafka = kafkaClient();
  let service: ServiceProcess;
  let db: ListDatabase;
  let api: ListApi;
  let client: listV1.ListServiceClient;
  let tap: TopicTap;
  let listId: string;
  /** Cy's link, confirmed in one test and replayed in the next. */
  let cyLink = '';

  const decode = (r: TappedRecord) =>
    decodePayload(events.SubscriberEvent, listTopic, r.message.value);
  const ofType = (type: events.SubscriberEventType, subscriberId?: string) => (r: TappedRecord) => {
    const e = decode(r);
    return e.type === type && (!subscriberId || e.subscriberId === subscriberId);
  };
  const signUp = async (email: string): Promise<SignUp> => {
    const res = await api.call<SignUp>('POST', `/v1/lists/${listId}/subscribers`, {
      email,
      consent: { source: 'footer form', ip: '203.0.113.9', formText: 'Send me the newsletter' },
    });
    if (res.status !== 201)
      throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  /** The ingress maps the public base URL to the service; the test does the same. */
  const local = (publicUrl: string) => publicUrl.replace(PUBLIC_BASE, service.httpUrl);
  const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);
  const claimsOf = (url: string) =>
    JSON.parse(Buffer.from(tokenOf(url).split('.')[0], 'base64url').toString()) as ConfirmClaims;
  const confirmUrl = (token: string) => `${service.httpUrl}/u/confirm/${token}`;
  const post = (url: string, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'Mozilla/5.0 (e2e)',
        ...headers,
      },
      body: 'confirm=yes',
    });
  const statusOf = async (email: string) =>
    (await api.allMembers(listId)).find((m) => m.email === email)?.status;
  const ledger = async (subscriberId: string) =>
    (await db.all('consent_records', tenantId)).filter(
      (r) => String(r.subscriberId) === subscriberId,
    );
  const recipients = async () =>
    (await drain(client.streamRecipients({ tenantId, listId, afterCursor: '' }))).map(
      (r) => r.recipient?.email,
    );
  const refusal = async (res: Response) => ({
    status: res.status,
    code: ((await res.json()) as ErrorBody).code,
  });

  beforeAll(async () => {
    [service, db] = await Promise.all([
      startListService(dbName, {
        POSTLINE_LIST_SIGNING_SECRET: SECRET,
        POSTLINE_LIST_EVENTS_TOPIC: listTopic,
        POSTLINE_KAFKA_TOPIC_PARTITIONS: '1',
        POSTLINE_TRACKING_BASE_URL: `${PUBLIC_BASE}/`,
        POSTLINE_LIST_CONFIRMATION_TTL_HOURS: '2',
      }),
      ListDatabase.open(dbName),
    ]);
    api = new ListApi(service.httpUrl, tenantId);
    client = listClient(service);
    tap = await TopicTap.open(kafka, listTopic);
    const created = await api.call<{ id: string; optin: string }>('POST', '/v1/lists', {
      name: 'Newsletter',
      optin: 'double',
    });
    expect(created).toMatchObject({ status: 201, body: { optin: 'double' } });
    listId = created.body.id;
    // Imported members carry consent the operator already holds: subscribed at once.
    await api.call('POST', `/v1/lists/${listId}/subscribers/bulk`, {
      subscribers: [{ email: 'imported@example.com' }],
    });
  });
  afterAll(async () => {
    client?.close();
    await tap?.close();
    await service?.stop();
    await db?.dropAndClose();
    await deleteTopics(kafka, [listTopic]);
  });

  it('refuses an unknown opt-in mode when a list is created', async () => {
    const res = await api.call<ErrorBody>('POST', '/v1/lists', { name: 'X', optin: 'triple' });
    expect(res.status).toBe(400);
    expect(res.body.message.join(' ')).toContain('optin must be one of: single, double');
  });

  it('signs up unconfirmed, answers and announces the link, and streams no mail to the member', async () => {
    const ann = await signUp('ann@example.com');
    expect(ann.status).toBe('unconfirmed');
    expect(ann.confirmation.url).toMatch(
      /^https:\/\/t\.example\.test\/u\/confirm\/[\w-]+\.[\w-]+$/,
    );
    const hoursLeft = (Date.parse(ann.confirmation.expiresAt) - Date.now()) / 3600_000;
    expect(hoursLeft).toBeGreaterThan(1.9);
    expect(hoursLeft).toBeLessThanOrEqual(2);

    const [record] = await tap.waitFor(ofType(REQUESTED, ann.id), 1, WAIT_MS, 'the request event');
    expect(record.message.key?.toString()).toBe(ann.id);
    expect(decode(record)).toMatchObject({
      eventId: expect.stringMatching(/^[0-9a-f]{24}:confirmation_requested:[\w-]+$/),
      tenantId,
      listId,
      confirmationUrl: ann.confirmation.url,
      confirmationExpiresAt: new Date(ann.confirmation.expiresAt),
    });
    expect(await statusOf('ann@example.com')).toBe('unconfirmed');
    expect(await recipients()).toEqual(['imported@example.com']);
    expect(await api.subscriberCount(listId)).toBe(1);
    expect((await ledger(ann.id)).map((r) => [r.action, r.source, r.ip])).toEqual([
      ['confirmation_requested', 'footer form', '203.0.113.9'],
    ]);
  });

  it('GET shows a form that posts back and confirms nothing (link scanners follow links)', async () => {
    const ann = await signUp('ann@example.com'); // the latest link replaces the first one
    const res = await fetch(local(ann.confirmation.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toMatch(/<form method="post" action=""/);
    expect(html).not.toContain('ann@example.com');
    expect(await statusOf('ann@example.com')).toBe('unconfirmed');
  });

  it('refuses expired, forged and garbled links with 410, 403 and 400, changing nothing', async () => {
    const bob = await signUp('bob@example.com');
    const claims = claimsOf(bob.confirmation.url);
    const expired = signToken(
      'confirm',
      { ...claims, exp: Math.floor(Date.now() / 1000) - 1 },
      SECRET,
    );
    const forged = signToken('confirm', claims, 'not-the-secret');
    const [body, signature] = tokenOf(bob.confirmation.url).split('.');
    const stretched = `${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86400 })).toString('base64url')}.${signature}`;
    const cases: Array<[string, string, number, string]> = [
      ['expired', expired, 410, 'TOKEN_EXPIRED'],
      ['another secret', forged, 403, 'TOKEN_REJECTED'],
      ['expiry pushed out', stretched, 403, 'TOKEN_REJECTED'],
      ['garbled', 'not-a-token', 400, 'INVALID_TOKEN'],
      ['truncated', body, 400, 'INVALID_TOKEN'],
    ];
    for (const [what, token, status, code] of cases) {
      expect({ what, ...(await refusal(await post(confirmUrl(token)))) }).toEqual({
        what,
        status,
        code,
      });
    }
    const page = await fetch(confirmUrl(expired));
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('expired');
    expect(await statusOf('bob@example.com')).toBe('unconfirmed');
    expect((await ledger(bob.id)).map((r) => r.action)).toEqual(['confirmation_requested']);
  });

  it('POST confirms: subscribed, ledger entry with IP and user agent, CONFIRMED on list.events', async () => {
    const cy = await signUp('cy@example.com');
    cyLink = local(cy.confirmation.url);
    const res = await post(cyLink);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'confirmed' });
    expect(await statusOf('cy@example.com')).toBe('subscribed');
    expect(await recipients()).toContain('cy@example.com');
    const entries = await ledger(cy.id);
    expect(entries.map((r) => r.action)).toEqual(['confirmation_requested', 'confirmed']);
    expect(entries[1]).toMatchObject({
      source: 'double_opt_in',
      ip: expect.stringMatching(/127\.0\.0\.1/),
      userAgent: 'Mozilla/5.0 (e2e)',
      at: expect.any(Date),
    });
    const [record] = await tap.waitFor(
      ofType(SUBSCRIBER_EVENT_TYPE_CONFIRMED, cy.id),
      1,
      WAIT_MS,
      'the CONFIRMED event',
    );
    expect(decode(record)).toMatchObject({
      eventId: expect.stringMatching(/^[0-9a-f]{24}:confirmed$/),
      tenantId,
      listId,
      subscriberId: cy.id,
    });
  });

  it('refuses the replayed link with 409 ALREADY_CONFIRMED, recording and announcing nothing', async () => {
    const cy = (await api.allMembers(listId)).find((m) => m.email === 'cy@example.com')!;
    const [first] = tap.seen(ofType(SUBSCRIBER_EVENT_TYPE_CONFIRMED, cy.id));
    expect(await refusal(await post(cyLink))).toEqual({ status: 409, code: 'ALREADY_CONFIRMED' });
    expect(await statusOf('cy@example.com')).toBe('subscribed');
    expect((await ledger(cy.id)).map((r) => r.action)).toEqual([
      'confirmation_requested',
      'confirmed',
    ]);
    // A new sign-up marks the end of the (single-partition) topic.
    const marker = await signUp('marker@example.com');
    await tap.waitFor(ofType(REQUESTED, marker.id), 1, WAIT_MS, 'the marker event');
    expect(tap.seen(ofType(SUBSCRIBER_EVENT_TYPE_CONFIRMED, cy.id))).toEqual([first]);
  });

  it('refuses a link replaced by a newer one with 410 TOKEN_SUPERSEDED; the newer one works', async () => {
    const first = await signUp('dee@example.com');
    const second = await signUp('dee@example.com');
    expect(await refusal(await post(local(first.confirmation.url)))).toEqual({
      status: 410,
      code: 'TOKEN_SUPERSEDED',
    });
    expect(await statusOf('dee@example.com')).toBe('unconfirmed');
    const browser = await post(local(second.confirmation.url), { accept: 'text/html' });
    expect(browser.status).toBe(200);
    expect(await browser.text()).toContain('your subscription is confirmed');
    expect(await statusOf('dee@example.com')).toBe('subscribed');
  });

  it('never confirms members who unsubscribed, are suppressed or were erased', async () => {
    const eve = await signUp('eve@example.com');
    const unsubscribe = signToken(
      'unsubscribe',
      {
        tenant: tenantId,
        subscriber: eve.id,
        list: listId,
        campaign: 'c',
        message: 'e'.repeat(32),
      },
      SECRET,
    );
    const left = await fetch(`${service.httpUrl}/u/${unsubscribe}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(await left.json()).toEqual({ status: 'unsubscribed' });
    expect(await refusal(await post(local(eve.confirmation.url)))).toEqual({
      status: 409,
      code: 'NOT_CONFIRMABLE',
    });
    expect(await statusOf('eve@example.com')).toBe('unsubscribed');

    const fay = await signUp('fay@example.com');
    const suppressed = await api.call('POST', '/v1/suppressions', { address: 'fay@example.com' });
    expect(suppressed.status).toBe(201);
    expect(await refusal(await post(local(fay.confirmation.url)))).toEqual({
      status: 409,
      code: 'NOT_CONFIRMABLE',
    });
    expect(await statusOf('fay@example.com')).toBe('unconfirmed');

    const gus = await signUp('gus@example.com');
    const erased = await api.call('DELETE', `/v1/subscribers/${gus.id}?erase=true`);
    expect(erased.status).toBe(200);
    expect(await refusal(await post(local(gus.confirmation.url)))).toEqual({
      status: 404,
      code: 'NOT_FOUND',
    });
    for (const id of [eve.id, fay.id])
      expect((await ledger(id)).map((r) => r.action)).not.toContain('confirmed');
    const confirmedIds = tap
      .seen(ofType(SUBSCRIBER_EVENT_TYPE_CONFIRMED))
      .map((r) => decode(r).subscriberId);
    expect(confirmedIds).not.toContain(eve.id);
    expect(confirmedIds).not.toContain(fay.id);
    expect(await recipients()).not.toContain('fay@example.com');
  });
});
