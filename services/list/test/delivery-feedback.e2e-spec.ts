// Scenario: delivery feedback arrives on mail.events as the MTA and campaign
// tracking produce it, and the list service folds it into list state: hard
// bounces and complaints suppress, three soft bounces in a row suppress, opens
// and clicks update engagement, an UNSUBSCRIBED event ends every membership of
// the subscriber and is announced on list.events. Replaying the same records
// changes nothing; records that can never be handled go to the dead-letter topic.
import { events, type listV1 } from '@postline/contracts';
import {
  eventually,
  TopicTap,
  type ServiceProcess,
  type TappedRecord,
} from '@postline/platform/testing';
import { decodePayload } from '@postline/platform/kafka';
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
  metricValue,
  produceDeliveryEvents,
  produceRaw,
  startListService,
  uniqueDatabase,
  uniqueTenant,
  uniqueTopic,
} from './support/list-harness';

const T = events.DeliveryEventType;
const WAIT_MS = 30000;

describe('Delivery feedback from mail.events', () => {
  const mailTopic = uniqueTopic('mail.events.v1');
  const listTopic = uniqueTopic('list.events.v1');
  const dbName = uniqueDatabase('feedback');
  const tenantId = uniqueTenant('feedback');
  const kafka: Kafka = kafkaClient();
  let service: ServiceProcess;
  let db: ListDatabase;
  let api: ListApi;
  let client: listV1.ListServiceClient;
  let listEvents: TopicTap;
  let deadLetters: TopicTap;
  let news: string;
  let promos: string;
  const ids = new Map<string, string>();
  const history: Array<Partial<events.DeliveryEvent>> = [];

  /** An event about one of the scenario's subscribers (by email), as the pipeline would produce it. */
  const about = (
    email: string,
    type: events.DeliveryEventType,
    eventId: string,
    over: Partial<events.DeliveryEvent> = {},
  ): Partial<events.DeliveryEvent> => ({
    eventId,
    messageId: `msg-${email}`,
    tenantId,
    subscriberId: ids.get(email) ?? '',
    recipient: email,
    type,
    occurredAt: new Date(),
    ...over,
  });

  const isSuppressed = async (address: string) =>
    (
      await api.call<{ suppressed: boolean; entries: Array<{ reason: string }> }>(
        'GET',
        `/v1/suppressions/check?address=${encodeURIComponent(address)}`,
      )
    ).body;

  /**
   * Produces the events and waits until the service has handled every record
   * produced so far: the processed counter moves only after all of a batch's writes.
   */
  let produced = 0;
  const handledAll = () =>
    eventually(
      async () =>
        (await metricSum(service, 'postline_list_delivery_events_processed_total')) >= produced
          ? true
          : undefined,
      WAIT_MS,
      `${produced} mail.events records handled`,
    );
  const deliver = async (list: Array<Partial<events.DeliveryEvent>>) => {
    history.push(...list);
    await produceDeliveryEvents(kafka, mailTopic, list);
    produced += list.length;
    await handledAll();
  };

  const streamed = async (listId: string) =>
    (await drain(client.streamRecipients({ tenantId, listId, afterCursor: '' }))).map(
      (r) => r.recipient?.email,
    );

  beforeAll(async () => {
    [service, db] = await Promise.all([
      startListService(dbName, {
        POSTLINE_LIST_MAIL_EVENTS_TOPIC: mailTopic,
        POSTLINE_LIST_EVENTS_TOPIC: listTopic,
        POSTLINE_LIST_CONSUMER_GROUP: `list-e2e-${randomBytes(4).toString('hex')}`,
        POSTLINE_LIST_SOFT_BOUNCE_LIMIT: '3',
        POSTLINE_KAFKA_TOPIC_PARTITIONS: '1',
      }),
      ListDatabase.open(dbName),
    ]);
    api = new ListApi(service.httpUrl, tenantId);
    client = listClient(service);
    [listEvents, deadLetters] = await Promise.all([
      TopicTap.open(kafka, listTopic),
      TopicTap.open(kafka, `${mailTopic}.dlq`),
    ]);
    news = await api.createList('News');
    promos = await api.createList('Promos');
    const everyone = ['ann', 'bob', 'cat', 'dan', 'eve'].map((n) => ({
      email: `${n}@example.com`,
    }));
    await api.call('POST', `/v1/lists/${news}/subscribers/bulk`, { subscribers: everyone });
    await api.call('POST', `/v1/lists/${promos}/subscribers`, { email: 'ann@example.com' });
    for (const m of await api.allMembers(news)) ids.set(m.email, m.id);
  });
  afterAll(async () => {
    client?.close();
    await Promise.all([listEvents?.close(), deadLetters?.close()]);
    await service?.stop();
    await db?.dropAndClose();
    await deleteTopics(kafka, [mailTopic, listTopic]);
  });

  it('suppresses a hard bounce and a complaint (also of mail to no subscriber), and streams drop them', async () => {
    await deliver([
      about('bob@example.com', T.DELIVERY_EVENT_TYPE_BOUNCED, 'bob:bounced:1', {
        hardBounce: true,
        bounceCategory: events.BounceCategory.BOUNCE_CATEGORY_BAD_MAILBOX,
      }),
      about('cat@example.com', T.DELIVERY_EVENT_TYPE_COMPLAINED, 'cat:complained:1', {
        subscriberId: '',
        campaignId: '',
      }),
    ]);
    expect((await isSuppressed('bob@example.com')).entries).toEqual([
      expect.objectContaining({ reason: 'hard_bounce', source: 'event:bob:bounced:1' }),
    ]);
    expect((await isSuppressed('cat@example.com')).entries).toEqual([
      expect.objectContaining({ reason: 'complaint' }),
    ]);
    expect(await streamed(news)).toEqual(['ann@example.com', 'dan@example.com', 'eve@example.com']);
  });

  it('suppresses after three soft bounces in a row, but not when a delivery breaks the streak', async () => {
    const soft = (email: string, n: number) =>
      about(email, T.DELIVERY_EVENT_TYPE_BOUNCED, `${email}:soft:${n}`, { hardBounce: false });
    await deliver([
      soft('dan@example.com', 1),
      soft('dan@example.com', 2),
      about('dan@example.com', T.DELIVERY_EVENT_TYPE_DELIVERED, 'dan:delivered:3'),
      soft('dan@example.com', 4),
      soft('dan@example.com', 5),
      soft('eve@example.com', 1),
      soft('eve@example.com', 2),
      soft('eve@example.com', 3),
    ]);
    expect((await isSuppressed('dan@example.com')).suppressed).toBe(false);
    expect((await isSuppressed('eve@example.com')).entries).toEqual([
      expect.objectContaining({ reason: 'soft_bounce' }),
    ]);
    const dan = await db.subscriber(ids.get('dan@example.com')!);
    expect(dan?.engagement).toMatchObject({ softBounceStreak: 2 });
  });

  it('records opens and clicks on the subscriber, with the latest times', async () => {
    const at = (iso: string) => ({ occurredAt: new Date(iso) });
    await deliver([
      about(
        'ann@example.com',
        T.DELIVERY_EVENT_TYPE_OPENED,
        'ann:opened:1',
        at('2025-05-02T10:00:00Z'),
      ),
      about(
        'ann@example.com',
        T.DELIVERY_EVENT_TYPE_OPENED,
        'ann:opened:2',
        at('2025-05-01T10:00:00Z'),
      ),
      about('ann@example.com', T.DELIVERY_EVENT_TYPE_CLICKED, 'ann:clicked:1', {
        ...at('2025-05-02T10:01:00Z'),
        url: 'https://example.com/offer',
      }),
    ]);
    const ann = await db.subscriber(ids.get('ann@example.com')!);
    expect(ann?.engagement).toMatchObject({
      opens: 2,
      clicks: 1,
      lastOpenAt: new Date('2025-05-02T10:00:00Z'),
      lastClickAt: new Date('2025-05-02T10:01:00Z'),
    });
  });

  it('changes nothing when the same records are delivered again', async () => {
    const before = {
      suppressions: await db.count('suppressions', tenantId),
      added: await metricValue(service, 'postline_list_suppressions_added_total', {
        reason: 'hard_bounce',
      }),
      ann: (await db.subscriber(ids.get('ann@example.com')!))?.engagement,
      dan: (await db.subscriber(ids.get('dan@example.com')!))?.engagement,
    };
    await deliver([...history]);
    expect(await db.count('suppressions', tenantId)).toBe(before.suppressions);
    expect(
      await metricValue(service, 'postline_list_suppressions_added_total', {
        reason: 'hard_bounce',
      }),
    ).toBe(before.added);
    expect((await db.subscriber(ids.get('ann@example.com')!))?.engagement).toEqual(before.ann);
    expect((await db.subscriber(ids.get('dan@example.com')!))?.engagement).toEqual(before.dan);
  });

  it('ends every membership on UNSUBSCRIBED (the event names no list) and announces each once', async () => {
    const annId = ids.get('ann@example.com')!;
    const unsubscribe = about('ann@example.com', T.DELIVERY_EVENT_TYPE_UNSUBSCRIBED, 'ann:unsub:1');
    await deliver([unsubscribe]);
    const statusIn = async (listId: string) =>
      (await api.allMembers(listId)).find((m) => m.email === 'ann@example.com')?.status;
    expect(await statusIn(news)).toBe('unsubscribed');
    expect(await statusIn(promos)).toBe('unsubscribed');

    const isAnnUnsub = (r: TappedRecord) => {
      const e = decodePayload(events.SubscriberEvent, listTopic, r.message.value);
      return (
        e.subscriberId === annId &&
        e.type === events.SubscriberEventType.SUBSCRIBER_EVENT_TYPE_UNSUBSCRIBED
      );
    };
    const announced = await listEvents.waitFor(
      isAnnUnsub,
      2,
      WAIT_MS,
      'UNSUBSCRIBED events for ann',
    );
    const decoded = announced.map((r) =>
      decodePayload(events.SubscriberEvent, listTopic, r.message.value),
    );
    expect(decoded.map((e) => e.listId).sort()).toEqual([news, promos].sort());
    expect(announced.map((r) => r.message.key?.toString())).toEqual([annId, annId]);
    expect(
      decoded.every((e) => e.tenantId === tenantId && /:unsubscribed:ann:unsub:1$/.test(e.eventId)),
    ).toBe(true);

    // Replayed: nothing left to end, nothing announced. A new subscription marks the end of the topic.
    await deliver([unsubscribe]);
    const marker = await api.call<{ id: string }>('POST', `/v1/lists/${news}/subscribers`, {
      email: 'late@example.com',
    });
    await listEvents.waitFor(
      (r) => r.message.key?.toString() === marker.body.id,
      1,
      WAIT_MS,
      'marker',
    );
    expect(listEvents.seen(isAnnUnsub)).toHaveLength(2);
    expect(await streamed(news)).toEqual(['dan@example.com', 'late@example.com']);
  });

  it('dead-letters records it can never handle, with the reason, and goes on', async () => {
    await produceRaw(kafka, mailTopic, Buffer.from('not a protobuf payload \xff\xff'));
    produced += 1;
    await deliver([
      {
        eventId: 'x:1',
        messageId: 'x',
        recipient: 'x@example.com',
        type: T.DELIVERY_EVENT_TYPE_COMPLAINED,
      },
    ]);
    const parked = await deadLetters.waitFor(() => true, 2, WAIT_MS, 'dead-lettered records');
    expect(parked.map((r) => r.message.headers?.['x-postline-dlq-reason']?.toString())).toEqual([
      expect.stringMatching(/not a valid protobuf payload/),
      'complained event has no tenant_id',
    ]);
    expect(
      await metricValue(service, 'postline_list_delivery_events_processed_total', {
        type: 'complained',
        result: 'dead_lettered',
      }),
    ).toBe(1);
  });
});
