// Scenario: a CRM feeds a list over gRPC UpsertSubscribers (client streaming).
// 300 rows go out in one call, some of them bad; the summary counts the rows
// and names each bad one by position; sending the same rows again reports them
// unchanged; a changed row updates its subscriber with merged attributes; a
// call without a proper target is refused with the matching gRPC status.
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type { listV1 } from '@postline/contracts';
import type { ServiceProcess } from '@postline/platform/testing';
import {
  drain,
  ListApi,
  listClient,
  ListDatabase,
  startListService,
  uniqueDatabase,
  uniqueTenant,
} from './support/list-harness';

type Message = listV1.UpsertSubscribersRequest;

const BAD = new Map<number, Partial<listV1.SubscriberRow>>([
  [7, { email: 'no-at-sign' }],
  [42, { email: 'bad-key@example.com', attributes: { 'first name': 'x' } }],
  [150, { email: 'member5@example.com' }],
  [
    299,
    {
      email: 'consent@example.com',
      consent: { source: '', ip: 'not-an-ip', userAgent: '', formText: '', at: undefined },
    },
  ],
]);

function rowAt(i: number): listV1.SubscriberRow {
  return {
    email: `member${i}@example.com`,
    name: `Member ${i}`,
    attributes: { seq: i, plan: i % 3 === 0 ? 'pro' : 'free' },
    consent: undefined,
    ...BAD.get(i),
  };
}

const target = (tenantId: string, listId: string): Message => ({
  item: { $case: 'target', value: { tenantId, listId } },
});
const rowMessage = (row: listV1.SubscriberRow): Message => ({ item: { $case: 'row', value: row } });

/** Sends the messages in one call, at the server's pace, and resolves with its answer. */
function upsert(
  client: listV1.ListServiceClient,
  messages: Message[],
): Promise<listV1.UpsertSubscribersResponse> {
  return new Promise((resolve, reject) => {
    const call = client.upsertSubscribers((err: ServiceError | null, res) =>
      err ? reject(err) : resolve(res),
    );
    const send = async () => {
      for (const m of messages) {
        if (!call.write(m)) await new Promise((r) => call.once('drain', r));
      }
      call.end();
    };
    void send();
  });
}

describe('gRPC UpsertSubscribers', () => {
  let service: ServiceProcess;
  let db: ListDatabase;
  let client: listV1.ListServiceClient;
  let listId: string;
  const tenantId = uniqueTenant('upsert');
  const dbName = uniqueDatabase('upsert');
  const rows = Array.from({ length: 300 }, (_, i) => rowAt(i));

  beforeAll(async () => {
    [service, db] = await Promise.all([
      startListService(dbName, { POSTLINE_LIST_IMPORT_CHUNK_ROWS: '100' }),
      ListDatabase.open(dbName),
    ]);
    client = listClient(service);
    listId = await new ListApi(service.httpUrl, tenantId).createList('CRM');
  });
  afterAll(async () => {
    client?.close();
    await service?.stop();
    await db?.dropAndClose();
  });

  it('writes the good rows of a stream and reports each bad one by position', async () => {
    const res = await upsert(client, [target(tenantId, listId), ...rows.map(rowMessage)]);
    expect(res).toMatchObject({
      rows: 300,
      created: 296,
      updated: 0,
      unchanged: 0,
      failed: 4,
      errorsTruncated: false,
    });
    expect(res.errors.map((e) => [e.index, e.email, e.code])).toEqual([
      [7, 'no-at-sign', 'INVALID_EMAIL'],
      [42, 'bad-key@example.com', 'INVALID_ATTRIBUTES'],
      [150, 'member5@example.com', 'DUPLICATE_IN_BATCH'],
      [299, 'consent@example.com', 'INVALID_CONSENT'],
    ]);
    expect(res.errors[2].reason).toBe('the address is on row 5 already; only that row is used');
    expect(await db.count('subscribers', tenantId)).toBe(296);
    expect(await db.count('memberships', tenantId)).toBe(296);
  });

  it('streams the upserted subscribers as recipients with their attributes', async () => {
    const received = await drain(client.streamRecipients({ tenantId, listId, afterCursor: '' }));
    expect(received).toHaveLength(296);
    const eleven = received.find((r) => r.recipient?.email === 'member11@example.com');
    expect(eleven?.recipient).toMatchObject({
      name: 'Member 11',
      attributes: { seq: 11, plan: 'free' },
    });
  });

  it('reports the same rows sent again as unchanged, and a changed row as updated', async () => {
    const again = await upsert(client, [target(tenantId, listId), ...rows.map(rowMessage)]);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 296, failed: 4 });
    const changed = await upsert(client, [
      target(tenantId, listId),
      rowMessage({
        email: 'member3@example.com',
        attributes: { plan: 'team' },
        consent: undefined,
      }),
    ]);
    expect(changed).toMatchObject({ rows: 1, created: 0, updated: 1, unchanged: 0, failed: 0 });
    const stored = (await db.all('subscribers', tenantId)).find(
      (s) => s.email === 'member3@example.com',
    );
    expect(stored).toMatchObject({ name: 'Member 3', attributes: { seq: 3, plan: 'team' } });
  });

  it('refuses a call without a proper target with the matching status', async () => {
    const codeOf = (messages: Message[]) =>
      upsert(client, messages).then(
        () => 'OK',
        (e: ServiceError) => GrpcStatus[e.code],
      );
    expect(await codeOf([rowMessage(rowAt(1))])).toBe('INVALID_ARGUMENT');
    expect(await codeOf([])).toBe('INVALID_ARGUMENT');
    expect(await codeOf([target('', listId), rowMessage(rowAt(1))])).toBe('INVALID_ARGUMENT');
    expect(await codeOf([target(tenantId, '0123456789abcdef01234567'), rowMessage(rowAt(1))])).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf([target(uniqueTenant('other'), listId)])).toBe('NOT_FOUND');
  });
});
