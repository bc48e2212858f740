// Scenario: GDPR for one subscriber. Subscriptions carry consent evidence into
// the append-only ledger, a one-click unsubscribe adds its own entry, opens
// arrive from mail.events; the access export returns all of it. Erasure leaves
// nothing but a hash-only suppression entry (the address appears nowhere in the
// database), announces the end of the remaining membership, and keeps the
// address out of later imports and streams until that entry is removed.
import { events, type listV1 } from '@postline/contracts';
import { addressHash } from '@postline/list/domain';
import { decodePayload } from '@postline/platform/kafka';
import {
  eventually,
  TopicTap,
  type ServiceProcess,
  type TappedRecord,
} from '@postline/platform/testing';
import { signToken } from '@postline/shared/signed-token';
import type { Kafka } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import {
  deleteTopics,
  drain,
  kafkaClient,
  ListApi,
  listClient,
  ListDatabase,
  metricSum,
  produceDeliveryEvents,
  startListService,
  uniqueDatabase,
  uniqueTenant,
  uniqueTopic,
  type ErrorBody,
} from './support/list-harness';

const SECRET = 'e2e-privacy-secret';
const WAIT_MS = 30000;
const CONSENT = {
  source: 'newsletter signup form',
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0 (Macintosh)',
  formText: 'Yes, send me the monthly newsletter. I can unsubscribe at any time.',
};

interface Export {
  subscriber: { id: string; email: string };
  engagement: { opens: number; lastOpenAt: string | null };
  memberships: Array<{ listId: string; listName: string; status: string }>;
  consent: Array<Record<string, string>>;
  suppressions: Array<{ id: string; reason: string }>;
}

describe('GDPR access and erasure', () => {
  const listTopic = uniqueTopic('list.events.v1');
  const mailTopic = uniqueTopic('mail.events.v1');
  const dbName = uniqueDatabase('privacy');
  const tenantId = uniqueTenant('privacy');
  const kafka: Kafka = kafkaClient();
  let service: ServiceProcess;
  let db: ListDatabase;
  let api: ListApi;
  let client: listV1.ListServiceClient;
  let tap: TopicTap;
  let news: string;
  let promos: string;
  let annId: string;

  beforeAll(async () => {
    [service, db] = await Promise.all([
      startListService(dbName, {
        POSTLINE_LIST_SIGNING_SECRET: SECRET,
        POSTLINE_LIST_EVENTS_TOPIC: listTopic,
        POSTLINE_LIST_MAIL_EVENTS_TOPIC: mailTopic,
        POSTLINE_LIST_CONSUMER_GROUP: `list-e2e-${randomBytes(4).toString('hex')}`,
        POSTLINE_KAFKA_TOPIC_PARTITIONS: '1',
      }),
      ListDatabase.open(dbName),
    ]);
    api = new ListApi(service.httpUrl, tenantId);
    client = listClient(service);
    tap = await TopicTap.open(kafka, listTopic);
    news = await api.createList('News');
    promos = await api.createList('Promos');
  });
  afterAll(async () => {
    client?.close();
    await tap?.close();
    await service?.stop();
    await db?.dropAndClose();
    await deleteTopics(kafka, [listTopic, mailTopic]);
  });

  it('records consent evidence with each subscription and refuses malformed evidence', async () => {
    const ann = await api.call<{ id: string }>('POST', `/v1/lists/${news}/subscribers`, {
      email: 'Ann@Example.com',
      consent: CONSENT,
    });
    expect(ann.status).toBe(201);
    annId = ann.body.id;
    const bulk = await api.call('POST', `/v1/lists/${promos}/subscribers/bulk`, {
      subscribers: [
        { email: 'Ann@Example.com', consent: { source: 'preference centre' } },
        { email: 'bob@example.com' },
      ],
    });
    expect(bulk.body).toMatchObject({ created: 2, failed: 0 });
    const bad = await api.call<ErrorBody>('POST', `/v1/lists/${news}/subscribers`, {
      email: 'cy@example.com',
      consent: { ip: 'not-an-ip' },
    });
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_CONSENT']);
    expect(await db.count('consent_records', tenantId)).toBe(3);
  });

  it('exports the subscriber, engagement, memberships, consent ledger and suppressions', async () => {
    // One-click from a mailbox provider, and an open reported by tracking.
    const token = signToken(
      'unsubscribe',
      { tenant: tenantId, subscriber: annId, list: news, campaign: 'c1', message: 'a'.repeat(32) },
      SECRET,
    );
    const res = await fetch(`${service.httpUrl}/u/${token}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'Mailbox-Provider-Unsubscriber/1.0',
      },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(await res.json()).toEqual({ status: 'unsubscribed' });
    await produceDeliveryEvents(kafka, mailTopic, [
      {
        eventId: 'open-1',
        messageId: 'a'.repeat(32),
        tenantId,
        subscriberId: annId,
        recipient: 'Ann@example.com',
        type: events.DeliveryEventType.DELIVERY_EVENT_TYPE_OPENED,
        occurredAt: new Date('2025-06-01T08:00:00Z'),
      },
    ]);
    await eventually(
      async () =>
        (await metricSum(service, 'postline_list_delivery_events_processed_total')) >= 1
          ? true
          : undefined,
      WAIT_MS,
      'the open handled',
    );
    await api.call('POST', '/v1/suppressions', { domain: 'example.com', reason: 'manual' });

    const out = await api.call<Export>('GET', `/v1/subscribers/${annId}/export`);
    expect(out.status).toBe(200);
    expect(out.body.subscriber).toMatchObject({ id: annId, email: 'Ann@example.com' });
    expect(out.body.engagement).toMatchObject({ opens: 1, lastOpenAt: '2025-06-01T08:00:00.000Z' });
    expect(out.body.memberships.map((m) => [m.listName, m.status]).sort()).toEqual([
      ['News', 'unsubscribed'],
      ['Promos', 'subscribed'],
    ]);
    const ledger = out.body.consent.map((c) => [c.action, c.listId, c.source]);
    expect(ledger).toEqual(
      expect.arrayContaining([
        ['subscribed', news, 'newsletter signup form'],
        ['subscribed', promos, 'preference centre'],
        ['unsubscribed', news, 'one_click'],
      ]),
    );
    expect(out.body.consent).toHaveLength(3);
    expect(out.body.consent.find((c) => c.source === 'newsletter signup form')).toMatchObject({
      ip: CONSENT.ip,
      userAgent: CONSENT.userAgent,
      formText: CONSENT.formText,
    });
    expect(out.body.consent.find((c) => c.action === 'unsubscribed')).toMatchObject({
      userAgent: 'Mailbox-Provider-Unsubscriber/1.0',
      ip: expect.any(String),
    });
    expect(out.body.suppressions).toEqual([expect.objectContaining({ id: 'd:example.com' })]);
    await api.call('DELETE', '/v1/suppressions/d:example.com');
  });

  it('refuses a delete that does not ask for erasure, and bad ids', async () => {
    const cases: Array<[string, string, number, string]> = [
      ['DELETE', `/v1/subscribers/${annId}`, 400, 'ERASE_REQUIRED'],
      ['DELETE', `/v1/subscribers/${annId}?erase=false`, 400, 'ERASE_REQUIRED'],
      ['DELETE', `/v1/subscribers/${annId}?erase=yes`, 400, 'VALIDATION_FAILED'],
      ['DELETE', '/v1/subscribers/nope?erase=true', 400, 'INVALID_ID'],
      ['DELETE', `/v1/subscribers/${'f'.repeat(24)}?erase=true`, 404, 'NOT_FOUND'],
      ['GET', '/v1/subscribers/nope/export', 400, 'INVALID_ID'],
    ];
    for (const [method, path, status, code] of cases) {
      const res = await api.call<ErrorBody>(method, path);
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status, code });
    }
    const other = new ListApi(service.httpUrl, uniqueTenant('privacy-other'));
    expect((await other.call('GET', `/v1/subscribers/${annId}/export`)).status).toBe(404);
    expect(await db.subscriber(annId)).not.toBeNull();
  });

  it('erases: only a hash-only suppression remains, and the open membership ends with an event', async () => {
    const res = await api.call<Record<string, unknown>>(
      'DELETE',
      `/v1/subscribers/${annId}?erase=true`,
    );
    expect(res.status).toBe(200);
    const hash = addressHash('ann@example.com');
    expect(res.body).toEqual({
      id: annId,
      erased: true,
      membershipsRemoved: 2,
      consentRecordsRemoved: 3,
      suppression: {
        id: `a:${hash}`,
        kind: 'address',
        addressHash: hash,
        reason: 'erased',
        source: 'erasure',
        createdAt: expect.any(String),
      },
    });
    // Nothing in the database names her any more: no document of the tenant contains the address.
    for (const collection of ['subscribers', 'memberships', 'consent_records', 'suppressions']) {
      const docs = await db.all(collection, tenantId);
      expect({
        collection,
        hits: JSON.stringify(docs).toLowerCase().includes('ann@example.com'),
      }).toEqual({ collection, hits: false });
    }
    expect(await db.count('memberships', tenantId)).toBe(1); // bob's
    expect(await db.count('consent_records', tenantId)).toBe(1); // bob's

    const endedPromos = (r: TappedRecord) => {
      const e = decodePayload(events.SubscriberEvent, listTopic, r.message.value);
      return (
        e.subscriberId === annId &&
        e.listId === promos &&
        e.type === events.SubscriberEventType.SUBSCRIBER_EVENT_TYPE_UNSUBSCRIBED
      );
    };
    const [ended] = await tap.waitFor(endedPromos, 1, WAIT_MS, 'the erasure UNSUBSCRIBED event');
    expect(decodePayload(events.SubscriberEvent, listTopic, ended.message.value).eventId).toMatch(
      /:unsubscribed:erasure$/,
    );
    expect((await api.call('GET', `/v1/subscribers/${annId}/export`)).status).toBe(404);
  });

  it('keeps the erased address out of later imports and streams, in any letter case', async () => {
    const single = await api.call<ErrorBody>('POST', `/v1/lists/${news}/subscribers`, {
      email: 'ANN@example.com',
    });
    expect([single.status, single.body.code]).toEqual([409, 'ADDRESS_ERASED']);
    const bulk = await api.call('POST', `/v1/lists/${news}/subscribers/bulk`, {
      subscribers: [{ email: 'ann@EXAMPLE.com' }, { email: 'dee@example.com' }],
    });
    expect(bulk.body).toMatchObject({
      created: 1,
      failed: 1,
      errors: [{ index: 0, code: 'ADDRESS_ERASED' }],
    });
    const check = await api.call<{ suppressed: boolean }>(
      'GET',
      '/v1/suppressions/check?address=ann@example.com',
    );
    expect(check.body.suppressed).toBe(true);
    const streamed = await drain(
      client.streamRecipients({ tenantId, listId: news, afterCursor: '' }),
    );
    expect(streamed.map((r) => r.recipient?.email)).toEqual(['dee@example.com']);
  });

  it('lets the address subscribe again once the operator removes its erasure entry', async () => {
    const removed = await api.call(
      'DELETE',
      `/v1/suppressions/a:${addressHash('ann@example.com')}`,
    );
    expect(removed.status).toBe(204);
    const again = await api.call('POST', `/v1/lists/${news}/subscribers`, {
      email: 'ann@example.com',
      consent: { source: 'signed up again' },
    });
    expect(again.status).toBe(201);
  });
});
