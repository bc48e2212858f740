// Scenario: a mailbox provider acts on the List-Unsubscribe header render put
// in a campaign message (RFC 8058). The URL is <base>/u/<token>, the token
// signed with the secret render and list share (read here from a _FILE, as a
// pod mounts it). GET only shows a confirmation form; POST
// List-Unsubscribe=One-Click ends the membership at once, announces it on
// list.events, and a repeat succeeds without a second announcement. Forged and
// garbled tokens and wrong bodies are refused with a JSON error and change nothing.
import { events, type listV1 } from '@postline/contracts';
import { decodePayload } from '@postline/platform/kafka';
import { TopicTap, type ServiceProcess, type TappedRecord } from '@postline/platform/testing';
import { signToken, type MessageClaims } from '@postline/shared/signed-token';
import type { Kafka } from 'kafkajs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const SECRET = 'e2e-shared-render-and-list-secret';
const WAIT_MS = 30000;

describe('One-click unsubscribe (RFC 8058)', () => {
  const listTopic = uniqueTopic('list.events.v1');
  const dbName = uniqueDatabase('oneclick');
  const tenantId = uniqueTenant('oneclick');
  const kafka: Kafka = kafkaClient();
  let service: ServiceProcess;
  let db: ListDatabase;
  let api: ListApi;
  let client: listV1.ListServiceClient;
  let tap: TopicTap;
  let news: string;
  let promos: string;
  const ids = new Map<string, string>();

  const token = (email: string, over: Partial<MessageClaims> = {}, secret = SECRET) =>
    signToken(
      'unsubscribe',
      {
        tenant: tenantId,
        subscriber: ids.get(email)!,
        list: news,
        campaign: 'camp-1',
        message: `${email.length.toString(16).padStart(32, '0')}`,
        ...over,
      },
      secret,
    );
  /** The URL render builds: `${trackingBaseUrl}/u/${token}` with the base pointing at this service. */
  const url = (t: string) => `${service.httpUrl}/u/${t}`;
  const oneClick = (t: string, init: RequestInit = {}) =>
    fetch(url(t), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      ...init,
    });
  const statusOn = async (listId: string, email: string) =>
    (await api.allMembers(listId)).find((m) => m.email === email)?.status;
  const unsubscribedEvents = (r: TappedRecord) =>
    decodePayload(events.SubscriberEvent, listTopic, r.message.value).type ===
    events.SubscriberEventType.SUBSCRIBER_EVENT_TYPE_UNSUBSCRIBED;

  beforeAll(async () => {
    const secretFile = join(mkdtempSync(join(tmpdir(), 'list-e2e-')), 'signing-secret');
    writeFileSync(secretFile, `${SECRET}\n`);
    [service, db] = await Promise.all([
      startListService(dbName, {
        POSTLINE_LIST_SIGNING_SECRET_FILE: secretFile,
        POSTLINE_LIST_EVENTS_TOPIC: listTopic,
        POSTLINE_KAFKA_TOPIC_PARTITIONS: '1',
      }),
      ListDatabase.open(dbName),
    ]);
    api = new ListApi(service.httpUrl, tenantId);
    client = listClient(service);
    tap = await TopicTap.open(kafka, listTopic);
    news = await api.createList('News');
    promos = await api.createList('Promos');
    const people = ['ann', 'bob', 'cy', 'dee'].map((n) => ({ email: `${n}@example.com` }));
    await api.call('POST', `/v1/lists/${news}/subscribers/bulk`, { subscribers: people });
    await api.call('POST', `/v1/lists/${promos}/subscribers`, { email: 'ann@example.com' });
    for (const m of await api.allMembers(news)) ids.set(m.email, m.id);
  });
  afterAll(async () => {
    client?.close();
    await tap?.close();
    await service?.stop();
    await db?.dropAndClose();
    await deleteTopics(kafka, [listTopic]);
  });

  it('GET shows a confirmation form that posts the one-click body, and unsubscribes no one', async () => {
    const res = await fetch(url(token('ann@example.com')));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).toMatch(/<form method="post" action=""/);
    expect(html).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(html).not.toContain('ann@example.com');
    expect(await statusOn(news, 'ann@example.com')).toBe('subscribed');

    const forged = await fetch(url(token('ann@example.com', {}, 'another-secret')));
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('not valid');
  });

  it('POST List-Unsubscribe=One-Click ends the membership at once and announces it', async () => {
    const res = await oneClick(token('ann@example.com'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'unsubscribed' });
    expect(await statusOn(news, 'ann@example.com')).toBe('unsubscribed');
    expect(await statusOn(promos, 'ann@example.com')).toBe('subscribed');

    const [record] = await tap.waitFor(unsubscribedEvents, 1, WAIT_MS, 'the UNSUBSCRIBED event');
    expect(record.message.key?.toString()).toBe(ids.get('ann@example.com'));
    expect(decodePayload(events.SubscriberEvent, listTopic, record.message.value)).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f]{24}:unsubscribed:one-click:[0-9a-f]{32}$/),
      tenantId,
      subscriberId: ids.get('ann@example.com'),
      listId: news,
      type: events.SubscriberEventType.SUBSCRIBER_EVENT_TYPE_UNSUBSCRIBED,
      occurredAt: expect.any(Date),
      confirmationUrl: '',
    });
    const streamed = await drain(
      client.streamRecipients({ tenantId, listId: news, afterCursor: '' }),
    );
    expect(streamed.map((r) => r.recipient?.email)).not.toContain('ann@example.com');
  });

  it('answers a repeated POST with success and announces nothing more', async () => {
    const res = await oneClick(token('ann@example.com'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'already_unsubscribed' });
    // A new subscription marks the end of the (single-partition) topic.
    const marker = await api.call<{ id: string }>('POST', `/v1/lists/${news}/subscribers`, {
      email: 'marker@example.com',
    });
    await tap.waitFor((r) => r.message.key?.toString() === marker.body.id, 1, WAIT_MS, 'marker');
    expect(tap.seen(unsubscribedEvents)).toHaveLength(1);
  });

  it('accepts the multipart/form-data body that RFC 8058 recommends', async () => {
    const form = new FormData();
    form.append('List-Unsubscribe', 'One-Click');
    const res = await fetch(url(token('bob@example.com')), { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'unsubscribed' });
    expect(await statusOn(news, 'bob@example.com')).toBe('unsubscribed');
  });

  it('refuses forged and garbled tokens and wrong bodies with a JSON error, changing nothing', async () => {
    const cy = token('cy@example.com');
    const [, signature] = cy.split('.');
    const otherClaims = Buffer.from(
      JSON.stringify({
        tenant: tenantId,
        subscriber: ids.get('cy@example.com'),
        list: promos,
        campaign: 'c',
        message: 'm',
      }),
    ).toString('base64url');
    const cases: Array<[string, Response, number, string]> = [
      [
        'another secret',
        await oneClick(token('cy@example.com', {}, 'wrong')),
        403,
        'TOKEN_REJECTED',
      ],
      ['claims swapped', await oneClick(`${otherClaims}.${signature}`), 403, 'TOKEN_REJECTED'],
      ['garbled', await oneClick('not-a-token'), 400, 'INVALID_TOKEN'],
      ['truncated', await oneClick(cy.slice(0, 20)), 400, 'INVALID_TOKEN'],
      [
        'ids of another system',
        await oneClick(token('cy@example.com', { subscriber: 'user-17' })),
        400,
        'INVALID_TOKEN',
      ],
      ['no body', await fetch(url(cy), { method: 'POST' }), 400, 'INVALID_UNSUBSCRIBE_BODY'],
      [
        'JSON body',
        await oneClick(cy, {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ 'List-Unsubscribe': 'One-Click' }),
        }),
        400,
        'INVALID_UNSUBSCRIBE_BODY',
      ],
      [
        'wrong value',
        await oneClick(cy, { body: 'List-Unsubscribe=Yes' }),
        400,
        'INVALID_UNSUBSCRIBE_BODY',
      ],
      [
        'other field',
        await oneClick(cy, { body: 'unsubscribe=1' }),
        400,
        'INVALID_UNSUBSCRIBE_BODY',
      ],
    ];
    for (const [what, res, status, code] of cases) {
      const body = (await res.json()) as ErrorBody;
      expect({ what, status: res.status, code: body.code }).toEqual({ what, status, code });
      expect(body.message[0]).toEqual(expect.any(String));
    }
    expect(await statusOn(news, 'cy@example.com')).toBe('subscribed');
  });

  it('shows a person who pressed the button a page, not JSON', async () => {
    const res = await oneClick(token('dee@example.com'), {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('You have been unsubscribed');
    expect(await statusOn(news, 'dee@example.com')).toBe('unsubscribed');
  });

  it('says not_subscribed for a valid token of a subscriber it does not know', async () => {
    const res = await oneClick(token('ann@example.com', { subscriber: 'f'.repeat(24) }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'not_subscribed' });
  });
});
