// Scenario: a campaign's view of a list. 1,000 subscribers arrive through bulk
// subscribe (bad rows reported by index, not written), some unsubscribe or
// bounce, and StreamRecipients then yields exactly the rest, in ascending
// subscriber id order, across several MongoDB pages, resumable from any cursor.
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type { listV1 } from '@postline/contracts';
import { unary } from '@postline/platform/grpc';
import { eventually, type ServiceProcess } from '@postline/platform/testing';
import { Types } from 'mongoose';
import {
  drain,
  ListApi,
  listClient,
  ListDatabase,
  startListService,
  uniqueDatabase,
  uniqueTenant,
} from './support/list-harness';

interface BulkResult {
  created: number;
  updated: number;
  failed: number;
  errors: Array<{ index: number; email: string; code: string; reason: string }>;
}

// Small pages, so that 1,000 members span many MongoDB reads and suppressed
// members fall on page boundaries.
const PAGE_SIZE = 100;
const INVALID_ROWS = new Map<number, string>([
  [0, 'no-at-sign.example.com'],
  [137, 'Display Name <dn@example.com>'],
  [500, 'two..dots@example.com'],
  [999, 'user@localhost'],
]);

function row(i: number): { email: string; name: string; attributes: Record<string, unknown> } {
  return {
    email: INVALID_ROWS.get(i) ?? `reader${i}@example.com`,
    name: `Reader ${i}`,
    attributes: { seq: i, first_name: `R${i}` },
  };
}

describe('StreamRecipients over a 1,000-subscriber list', () => {
  let service: ServiceProcess;
  let db: ListDatabase;
  let api: ListApi;
  let client: listV1.ListServiceClient;
  let listId: string;
  let members: Array<{ id: string; email: string; status: string }>;
  let expected: string[];
  const tenantId = uniqueTenant('stream');
  const dbName = uniqueDatabase('stream');
  const stream = (afterCursor = '', list = listId, tenant = tenantId) =>
    drain(client.streamRecipients({ tenantId: tenant, listId: list, afterCursor }));

  beforeAll(async () => {
    [service, db] = await Promise.all([
      startListService(dbName, { POSTLINE_LIST_STREAM_PAGE_SIZE: String(PAGE_SIZE) }),
      ListDatabase.open(dbName),
    ]);
    api = new ListApi(service.httpUrl, tenantId);
    client = listClient(service);
    listId = await api.createList('Readers');
  });
  afterAll(async () => {
    client?.close();
    await service?.stop();
    await db?.dropAndClose();
  });

  it('bulk-creates 1,000 rows in one request, reporting the invalid rows by index', async () => {
    const res = await api.call<BulkResult>('POST', `/v1/lists/${listId}/subscribers/bulk`, {
      subscribers: Array.from({ length: 1000 }, (_, i) => row(i)),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 996, updated: 0, failed: 4 });
    expect(res.body.errors.map((e) => [e.index, e.email, e.code])).toEqual(
      [...INVALID_ROWS].map(([index, email]) => [index, email, 'INVALID_EMAIL']),
    );
    expect(res.body.errors[0].reason).toBe('email is missing "@"');
  });

  it('completes the list to 1,000 and re-running a batch changes nothing', async () => {
    const extra = [0, 137, 500, 999].map((i) => ({
      email: `extra${i}@example.com`,
      name: `Extra ${i}`,
    }));
    const added = await api.call<BulkResult>('POST', `/v1/lists/${listId}/subscribers/bulk`, {
      subscribers: extra,
    });
    expect(added.body).toEqual({ created: 4, updated: 0, failed: 0, errors: [] });

    const rerun = await api.call<BulkResult>('POST', `/v1/lists/${listId}/subscribers/bulk`, {
      subscribers: Array.from({ length: 1000 }, (_, i) => row(i)),
    });
    expect(rerun.body).toMatchObject({ created: 0, updated: 996, failed: 4 });
    expect(await api.subscriberCount(listId)).toBe(1000);
    expect(await db.count('subscribers', tenantId)).toBe(1000);
    expect(await db.count('memberships', tenantId)).toBe(1000);
  });

  it('excludes unsubscribed members and globally suppressed subscribers', async () => {
    members = await api.allMembers(listId);
    expect(members).toHaveLength(1000);
    const ids = members.map((m) => m.id);
    expect(ids).toEqual([...ids].sort());
    // Unsubscribes and bounces arrive through later features (unsubscribe
    // endpoint, mail.events); here the database gets the state they will write.
    const unsubscribed = ids.filter((_, i) => i % 50 === 0 || (i >= 99 && i <= 101));
    const bounced = ids.filter((_, i) => i % 97 === 3);
    const oid = (id: string) => new Types.ObjectId(id);
    expect(
      await db.update(
        'memberships',
        { subscriberId: { $in: unsubscribed.map(oid) } },
        { status: 'unsubscribed' },
      ),
    ).toBe(unsubscribed.length);
    expect(
      await db.update(
        'subscribers',
        { _id: { $in: bounced.map(oid) } },
        { globalStatus: 'bounced' },
      ),
    ).toBe(bounced.length);
    const excluded = new Set([...unsubscribed, ...bounced]);
    expected = ids.filter((id) => !excluded.has(id));

    const received = await stream();
    expect(received).toHaveLength(expected.length);
    expect(received.map((r) => r.cursor)).toEqual(expected);
    expect(received.map((r) => r.recipient?.subscriberId)).toEqual(expected);
  });

  it('sends each recipient with address, name and attributes as merge data', async () => {
    const [first] = await stream();
    const member = members.find((m) => m.id === first.cursor)!;
    const seq = Number(/reader(\d+)@/.exec(member.email)?.[1]);
    expect(first.recipient).toEqual({
      subscriberId: member.id,
      email: `reader${seq}@example.com`,
      name: `Reader ${seq}`,
      attributes: { seq, first_name: `R${seq}` },
    });
  });

  it('resumes after a cursor with exactly the rest, also across page boundaries', async () => {
    for (const at of [0, PAGE_SIZE - 1, 401, expected.length - 2, expected.length - 1]) {
      const rest = await stream(expected[at]);
      expect({ at, cursors: rest.map((r) => r.cursor) }).toEqual({
        at,
        cursors: expected.slice(at + 1),
      });
    }
  });

  it('counts the same recipients it streams, and GetList reports the subscribed members', async () => {
    const { count } = await unary(client.countRecipients.bind(client), { tenantId, listId });
    expect(count).toBe(expected.length);
    const list = await unary(client.getList.bind(client), { tenantId, listId });
    const unsubscribedCount = members.filter(
      (_, i) => i % 50 === 0 || (i >= 99 && i <= 101),
    ).length;
    expect(list).toEqual({ listId, name: 'Readers', subscriberCount: 1000 - unsubscribedCount });
  });

  it('stops streaming when the caller cancels', async () => {
    const call = client.streamRecipients({ tenantId, listId, afterCursor: '' });
    const received: string[] = [];
    const ended = new Promise<ServiceError>((resolve) => call.on('error', resolve));
    call.on('data', (m: listV1.StreamRecipientsResponse) => {
      received.push(m.cursor);
      if (received.length === 10) call.cancel();
    });
    expect((await ended).code).toBe(GrpcStatus.CANCELLED);
    expect(received.length).toBeLessThan(expected.length);
    // The server learns of the cancel asynchronously; wait for its record of it.
    await eventually(
      async () => {
        const metrics = await (await fetch(`${service.httpUrl}/metrics`)).text();
        return (
          /^postline_list_recipient_streams_total\{outcome="cancelled"\} 1$/m.test(metrics) ||
          undefined
        );
      },
      10000,
      'the cancelled stream in postline_list_recipient_streams_total',
    );
  });

  it('answers bad requests with the matching gRPC status', async () => {
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'OK',
        (e: ServiceError) => GrpcStatus[e.code],
      );
    expect(await codeOf(stream('', '0123456789abcdef01234567'))).toBe('NOT_FOUND');
    expect(await codeOf(stream('', listId, uniqueTenant('other')))).toBe('NOT_FOUND');
    expect(await codeOf(stream('', 'not-a-list-id'))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(stream('not-a-cursor'))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(stream('', listId, ''))).toBe('INVALID_ARGUMENT');
    expect(
      await codeOf(unary(client.countRecipients.bind(client), { tenantId, listId: 'x' })),
    ).toBe('INVALID_ARGUMENT');
    expect(
      await codeOf(
        unary(client.getList.bind(client), { tenantId, listId: '0123456789abcdef01234567' }),
      ),
    ).toBe('NOT_FOUND');
  });
});
