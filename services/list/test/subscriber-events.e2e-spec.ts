// Scenario: every new subscription, single or bulk, is announced on
// list.events as a SubscriberEvent keyed by subscriber id, and nothing else is:
// not a refused request, not an idempotent re-run of a bulk batch.
import { events } from '@postline/contracts';
import { decodePayload } from '@postline/platform/kafka';
import { eventually, infra, type ServiceProcess } from '@postline/platform/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import {
  ListApi,
  ListDatabase,
  startListService,
  uniqueDatabase,
  uniqueTenant,
} from './support/list-harness';

interface Received {
  key: string;
  event: events.SubscriberEvent;
}

describe('SubscriberEvents on list.events', () => {
  // A topic of its own with one partition: the scenario sees only its events, in order.
  const topic = `list.events.v1.e2e-${randomBytes(4).toString('hex')}`;
  const dbName = uniqueDatabase('events');
  const kafka = new Kafka({
    clientId: 'list-e2e',
    brokers: infra.kafkaBrokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const received: Received[] = [];
  let consumer: Consumer;
  let service: ServiceProcess;
  let db: ListDatabase;
  let api: ListApi;
  let listId: string;

  const waitForEvents = (n: number) =>
    eventually(
      async () => (received.length >= n ? received : undefined),
      30000,
      `${n} SubscriberEvents on ${topic}`,
    );

  beforeAll(async () => {
    [service, db] = await Promise.all([
      startListService(dbName, {
        POSTLINE_LIST_EVENTS_TOPIC: topic,
        POSTLINE_KAFKA_TOPIC_PARTITIONS: '1',
      }),
      ListDatabase.open(dbName),
    ]);
    api = new ListApi(service.httpUrl, uniqueTenant('events'));
    listId = await api.createList('Automations');
    // The service created the topic on boot; a new group reads it from the start, so nothing is missed.
    consumer = kafka.consumer({ groupId: `list-e2e-${randomBytes(4).toString('hex')}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({
          key: message.key?.toString() ?? '',
          event: decodePayload(events.SubscriberEvent, topic, message.value),
        });
      },
    });
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await service?.stop();
    await db?.dropAndClose();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('announces a single subscription, keyed by subscriber id', async () => {
    const res = await api.call<{ id: string }>('POST', `/v1/lists/${listId}/subscribers`, {
      email: 'ann@example.com',
    });
    expect(res.status).toBe(201);
    const [first] = await waitForEvents(1);
    expect(first.key).toBe(res.body.id);
    expect(first.event).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f]{24}:subscribed$/),
      tenantId: api.tenant,
      subscriberId: res.body.id,
      listId,
      type: events.SubscriberEventType.SUBSCRIBER_EVENT_TYPE_SUBSCRIBED,
      occurredAt: expect.any(Date),
      confirmationUrl: '',
    });
  });

  it('announces only the rows a bulk request adds to the list, and nothing on a re-run or a refusal', async () => {
    const batch = [
      { email: 'bea@example.com' },
      { email: 'ann@example.com' },
      { email: 'nope' },
      { email: 'cy@example.com' },
    ];
    const first = await api.call('POST', `/v1/lists/${listId}/subscribers/bulk`, {
      subscribers: batch,
    });
    expect(first.body).toMatchObject({ created: 2, updated: 1, failed: 1 });
    const rerun = await api.call('POST', `/v1/lists/${listId}/subscribers/bulk`, {
      subscribers: batch,
    });
    expect(rerun.body).toMatchObject({ created: 0, updated: 3, failed: 1 });
    const refused = await api.call('POST', `/v1/lists/${listId}/subscribers`, {
      email: 'ann@example.com',
    });
    expect(refused.status).toBe(409);

    // A marker subscription: on one partition, its event comes after anything produced before it.
    const marker = await api.call<{ id: string }>('POST', `/v1/lists/${listId}/subscribers`, {
      email: 'marker@example.com',
    });
    await eventually(
      async () => received.find((r) => r.key === marker.body.id),
      30000,
      'the marker event',
    );

    const members = await api.allMembers(listId);
    const idOf = (email: string) => members.find((m) => m.email === email)?.id;
    expect(received.map((r) => r.key)).toEqual(
      ['ann@example.com', 'bea@example.com', 'cy@example.com', 'marker@example.com'].map(idOf),
    );
    expect(new Set(received.map((r) => r.event.eventId)).size).toBe(4);
  });
});
