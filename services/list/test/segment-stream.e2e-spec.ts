// Scenario: a campaign streams segments of a 600-member list. Segments test
// attributes, engagement, membership of another list (joined in code) and the
// inactive(...) helper; each stream yields exactly the matching recipients
// (subscribed, active, unsuppressed) in ascending subscriber id order across
// many pages, resumes from any cursor, and counts the same. Two services run
// on the same data, one per join strategy (scan, which FerretDB gets by
// default, and lookup, MongoDB's), and must agree. Bad expressions are refused
// with the position of the mistake.
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type { listV1 } from '@postline/contracts';
import { unary } from '@postline/platform/grpc';
import type { ServiceProcess } from '@postline/platform/testing';
import { Types } from 'mongoose';
import {
  drain,
  ListApi,
  listClient,
  ListDatabase,
  startListService,
  uniqueDatabase,
  uniqueTenant,
  type ErrorBody,
} from './support/list-harness';

const N = 600;
const PAGE_SIZE = 50;
const DAY = 86_400_000;
const plan = (i: number) => ['pro', 'free', 'team'][i % 3];
const seats = (i: number) => i % 20;
const email = (i: number) => `s${i}@example.com`;
/** Left out of every stream: unsubscribed from the list, bounced, or suppressed. */
const excluded = (i: number) => i % 50 === 7 || i % 60 === 11 || i === 42;

type Message = listV1.UpsertSubscribersRequest;

function upsert(
  client: listV1.ListServiceClient,
  messages: Message[],
): Promise<listV1.UpsertSubscribersResponse> {
  return new Promise((resolve, reject) => {
    const call = client.upsertSubscribers((err: ServiceError | null, res) =>
      err ? reject(err) : resolve(res),
    );
    for (const m of messages) call.write(m);
    call.end();
  });
}

function rows(tenantId: string, listId: string, indexes: number[]): Message[] {
  return [
    { item: { $case: 'target', value: { tenantId, listId } } },
    ...indexes.map((i): Message => ({
      item: {
        $case: 'row',
        value: {
          email: email(i),
          name: `S ${i}`,
          attributes: { plan: plan(i), seats: seats(i) },
          consent: undefined,
        },
      },
    })),
  ];
}

describe('Segments streamed over gRPC', () => {
  const tenantId = uniqueTenant('segment');
  const dbName = uniqueDatabase('segment');
  let scan: ServiceProcess;
  let lookup: ServiceProcess;
  let db: ListDatabase;
  let api: ListApi;
  let clients: listV1.ListServiceClient[];
  let listId: string;
  let customersId: string;
  /** Subscriber id (hex) of each index. */
  let idOf: string[];

  const expected = (pred: (i: number) => boolean) =>
    idOf.filter((_, i) => !excluded(i) && pred(i)).sort();
  const stream = (client: listV1.ListServiceClient, req: Partial<listV1.StreamRecipientsRequest>) =>
    drain(client.streamRecipients({ tenantId, listId, afterCursor: '', ...req })).then((items) =>
      items.map((r) => r.cursor),
    );
  /** Streams with both services and checks that they agree. */
  const both = async (req: Partial<listV1.StreamRecipientsRequest>) => {
    const [a, b] = await Promise.all(clients.map((c) => stream(c, req)));
    expect(b).toEqual(a);
    return a;
  };

  beforeAll(async () => {
    const env = { POSTLINE_LIST_STREAM_PAGE_SIZE: String(PAGE_SIZE) };
    [scan, lookup, db] = await Promise.all([
      startListService(dbName, env),
      startListService(dbName, { ...env, POSTLINE_LIST_STREAM_JOIN: 'lookup' }),
      ListDatabase.open(dbName),
    ]);
    clients = [listClient(scan), listClient(lookup)];
    api = new ListApi(scan.httpUrl, tenantId);
    [listId, customersId] = [await api.createList('Newsletter'), await api.createList('Customers')];
    const all = Array.from({ length: N }, (_, i) => i);
    expect(await upsert(clients[0], rows(tenantId, listId, all))).toMatchObject({
      created: N,
      failed: 0,
    });
    const customers = all.filter((i) => i % 5 === 0);
    expect(await upsert(clients[0], rows(tenantId, customersId, customers))).toMatchObject({
      failed: 0,
    });

    const stored = await db.all('subscribers', tenantId);
    const byEmail = new Map(
      stored.map((s) => [s.email as string, (s._id as Types.ObjectId).toHexString()]),
    );
    idOf = all.map((i) => byEmail.get(email(i)) as string);
    const oids = (pred: (i: number) => boolean) =>
      idOf.filter((_, i) => pred(i)).map((id) => new Types.ObjectId(id));
    // Engagement as the mail.events consumer records it: recent opens, old opens, recent clicks.
    const now = Date.now();
    await db.update(
      'subscribers',
      { _id: { $in: oids((i) => i % 4 === 0) } },
      { 'engagement.lastOpenAt': new Date(now - 10 * DAY) },
    );
    await db.update(
      'subscribers',
      { _id: { $in: oids((i) => i % 4 === 1) } },
      { 'engagement.lastOpenAt': new Date(now - 100 * DAY) },
    );
    await db.update(
      'subscribers',
      { _id: { $in: oids((i) => i % 8 === 0) } },
      { 'engagement.lastClickAt': new Date(now - 5 * DAY) },
    );
    await db.update(
      'subscribers',
      { _id: { $in: oids((i) => i % 60 === 11) } },
      { globalStatus: 'bounced' },
    );
    await db.update(
      'memberships',
      { listId: new Types.ObjectId(listId), subscriberId: { $in: oids((i) => i % 50 === 7) } },
      { status: 'unsubscribed' },
    );
    expect((await api.call('POST', '/v1/suppressions', { address: email(42) })).status).toBe(201);
  });
  afterAll(async () => {
    for (const c of clients ?? []) c.close();
    await Promise.all([scan?.stop(), lookup?.stop()]);
    await db?.dropAndClose();
  });

  it('streams a saved segment on attributes and engagement, in subscriber id order', async () => {
    const res = await api.call<{ id: string; listId: string }>(
      'POST',
      `/v1/lists/${listId}/segments`,
      {
        name: 'Lapsed pros',
        expression: 'attributes.plan == "pro" and last_open_at < now-60d',
      },
    );
    expect(res.status).toBe(201);
    const want = expected((i) => plan(i) === 'pro' && i % 4 === 1);
    expect(want.length).toBeGreaterThan(10);
    expect(await both({ segmentId: res.body.id })).toEqual(want);
    // The saved segment names its list; the list id may then be left out.
    expect(await stream(clients[0], { listId: '', segmentId: res.body.id })).toEqual(want);
  });

  it('joins membership of another list in code, also under or and not', async () => {
    const segment = `(in_list("${customersId}") or attributes.seats >= 15) and not status == "unsubscribed"`;
    expect(await both({ segment })).toEqual(expected((i) => i % 5 === 0 || seats(i) >= 15));
    const notCustomers = `not in_list("${customersId}") and attributes.plan != "free"`;
    expect(await both({ segment: notCustomers })).toEqual(
      expected((i) => i % 5 !== 0 && plan(i) !== 'free'),
    );
  });

  it('selects subscribers without an open or click in the window with inactive(60d)', async () => {
    const want = expected((i) => i % 4 !== 0);
    expect(await both({ segment: 'inactive(60d)' })).toEqual(want);
    for (const client of clients) {
      const { count } = await unary(client.countRecipients.bind(client), {
        tenantId,
        listId,
        segment: 'inactive(60d)',
      });
      expect(count).toBe(want.length);
    }
    const rest = await api.call<{ recipients: number }>(
      'POST',
      `/v1/lists/${listId}/segments/count`,
      {
        expression: 'inactive(60d)',
      },
    );
    expect(rest.body).toEqual({ recipients: want.length });
  });

  it('streams the whole list without a segment, as before', async () => {
    expect(await both({})).toEqual(expected(() => true));
  });

  it('resumes a segment stream after any cursor with exactly the rest', async () => {
    const segment = 'attributes.plan == "team" or opens > 0 or inactive(60d)';
    const whole = await both({ segment });
    for (const at of [0, PAGE_SIZE - 1, 123, whole.length - 1]) {
      const rest = await both({ segment, afterCursor: whole[at] });
      expect({ at, rest }).toEqual({ at, rest: whole.slice(at + 1) });
    }
  });

  it('keeps saved segments: list, read, change (which changes the stream) and delete', async () => {
    const created = await api.call<{ id: string }>('POST', `/v1/lists/${listId}/segments`, {
      name: 'Team',
      expression: 'attributes.plan == "team"',
    });
    const id = created.body.id;
    const listed = await api.call<{ items: Array<{ name: string }> }>(
      'GET',
      `/v1/lists/${listId}/segments`,
    );
    expect(listed.body.items.map((s) => s.name)).toEqual(['Lapsed pros', 'Team']);
    const changed = await api.call('PATCH', `/v1/segments/${id}`, {
      expression: 'attributes.plan == "team" and seats_missing == 1',
    });
    expect(changed.status).toBe(400);
    await api.call('PATCH', `/v1/segments/${id}`, {
      expression: 'attributes.plan == "team" and attributes.seats < 5',
    });
    expect(await both({ segmentId: id })).toEqual(
      expected((i) => plan(i) === 'team' && seats(i) < 5),
    );
    const count = await api.call<{ recipients: number }>('GET', `/v1/segments/${id}/count`);
    expect(count.body.recipients).toBe(expected((i) => plan(i) === 'team' && seats(i) < 5).length);
    expect((await api.call('DELETE', `/v1/segments/${id}`)).status).toBe(204);
    expect((await api.call('GET', `/v1/segments/${id}`)).status).toBe(404);
  });

  it('refuses a bad expression with the position of the mistake, over REST and gRPC', async () => {
    const res = await api.call<ErrorBody>('POST', `/v1/lists/${listId}/segments`, {
      name: 'Broken',
      expression: 'attributes.plan = "pro"',
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'INVALID_SEGMENT',
      message: ['segment at position 17: expected "==" (comparison), found "="'],
    });
    const unknownList = await api.call<ErrorBody>('POST', `/v1/lists/${listId}/segments/count`, {
      expression: 'in_list("0123456789abcdef01234567")',
    });
    expect(unknownList.body.message).toEqual([
      'segment at position 1: in_list("0123456789abcdef01234567") names no list of this tenant',
    ]);
    const grpc = await stream(clients[0], { segment: 'last_open_at < 60' }).catch(
      (e: ServiceError) => e,
    );
    expect((grpc as ServiceError).code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect((grpc as ServiceError).details).toBe(
      'INVALID_SEGMENT: segment at position 14: last_open_at is compared with now, now-60d, an ISO 8601 date such as "2025-01-31", or null',
    );
    const codeOf = (req: Partial<listV1.StreamRecipientsRequest>) =>
      stream(clients[0], req).then(
        () => 'OK',
        (e: ServiceError) => GrpcStatus[e.code],
      );
    expect(await codeOf({ segmentId: '0123456789abcdef01234567' })).toBe('NOT_FOUND');
    expect(await codeOf({ segmentId: 'nope' })).toBe('INVALID_ARGUMENT');
    const saved = (
      await api.call<{ items: Array<{ id: string }> }>('GET', `/v1/lists/${listId}/segments`)
    ).body.items[0];
    expect(await codeOf({ segmentId: saved.id, segment: 'opens > 1' })).toBe('INVALID_ARGUMENT');
    expect(await codeOf({ segmentId: saved.id, listId: customersId })).toBe('INVALID_ARGUMENT');
  });
});
