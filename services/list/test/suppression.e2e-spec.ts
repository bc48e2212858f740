// Scenario: an operator keeps a tenant-wide suppression list over REST
// (addresses and whole domains; add, check, page, remove), bad input is
// refused with a precise code and writes nothing, and every recipient stream
// and count leaves suppressed addresses out until their entry is removed.
import type { listV1 } from '@postline/contracts';
import { addressHash } from '@postline/list/domain';
import { unary } from '@postline/platform/grpc';
import type { ServiceProcess } from '@postline/platform/testing';
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

interface Entry {
  id: string;
  kind: string;
  address?: string;
  domain?: string;
  reason: string;
  source: string;
}

const MEMBERS = [
  'a@keep.example',
  'b@gone.example',
  'c@mail.gone.example',
  'Dee@keep.example',
  'e@keep.example',
  'f@keep.example',
];

describe('Suppression list', () => {
  const dbName = uniqueDatabase('suppress');
  const tenantId = uniqueTenant('suppress');
  let service: ServiceProcess;
  let db: ListDatabase;
  let api: ListApi;
  let client: listV1.ListServiceClient;
  let listId: string;

  const streamedEmails = async () =>
    (await drain(client.streamRecipients({ tenantId, listId, afterCursor: '' }))).map(
      (r) => r.recipient?.email,
    );
  const countRecipients = async () =>
    (await unary(client.countRecipients.bind(client), { tenantId, listId })).count;

  beforeAll(async () => {
    [service, db] = await Promise.all([
      // Pages of two, so suppressed members fall on page boundaries.
      startListService(dbName, { POSTLINE_LIST_STREAM_PAGE_SIZE: '2' }),
      ListDatabase.open(dbName),
    ]);
    api = new ListApi(service.httpUrl, tenantId);
    client = listClient(service);
    listId = await api.createList('Newsletter');
    const res = await api.call('POST', `/v1/lists/${listId}/subscribers/bulk`, {
      subscribers: MEMBERS.map((email) => ({ email })),
    });
    expect(res.body).toMatchObject({ created: MEMBERS.length, failed: 0 });
  });
  afterAll(async () => {
    client?.close();
    await service?.stop();
    await db?.dropAndClose();
  });

  it('adds an address and a domain, idempotently, and pages through them', async () => {
    const first = await api.call<Entry>('POST', '/v1/suppressions', {
      address: 'DEE@keep.example',
      reason: 'hard_bounce',
      source: 'previous ESP export',
    });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: `a:${addressHash('dee@keep.example')}`,
      kind: 'address',
      address: 'DEE@keep.example',
      addressHash: addressHash('dee@keep.example'),
      reason: 'hard_bounce',
      source: 'previous ESP export',
      createdAt: expect.any(String),
    });
    const again = await api.call<Entry>('POST', '/v1/suppressions', {
      address: 'dee@keep.example',
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    const domain = await api.call<Entry>('POST', '/v1/suppressions', {
      domain: 'GONE.example',
      reason: 'complaint',
    });
    expect(domain.status).toBe(201);
    expect(domain.body).toMatchObject({ id: 'd:gone.example', kind: 'domain', source: 'api' });

    const page1 = await api.call<{ items: Entry[]; nextCursor: string }>(
      'GET',
      '/v1/suppressions?limit=1',
    );
    const page2 = await api.call<{ items: Entry[]; nextCursor: string | null }>(
      'GET',
      `/v1/suppressions?limit=1&after=${page1.body.nextCursor}`,
    );
    expect(page2.body.nextCursor).toBeNull();
    expect([...page1.body.items, ...page2.body.items].map((e) => e.id).sort()).toEqual(
      [first.body.id, 'd:gone.example'].sort(),
    );
    const complaints = await api.call<{ items: Entry[] }>(
      'GET',
      '/v1/suppressions?reason=complaint',
    );
    expect(complaints.body.items.map((e) => e.id)).toEqual(['d:gone.example']);
    expect(await db.count('suppressions', tenantId)).toBe(2);
  });

  it('refuses bad input with a precise code and writes nothing', async () => {
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/v1/suppressions', {}, 400, 'INVALID_SUPPRESSION'],
      [
        'POST',
        '/v1/suppressions',
        { address: 'a@b.co', domain: 'b.co' },
        400,
        'INVALID_SUPPRESSION',
      ],
      ['POST', '/v1/suppressions', { address: 'no-at-sign' }, 400, 'INVALID_EMAIL'],
      ['POST', '/v1/suppressions', { domain: 'localhost' }, 400, 'INVALID_DOMAIN'],
      ['POST', '/v1/suppressions', { address: 'a@b.co', reason: 'erased' }, 400, 'INVALID_REASON'],
      ['POST', '/v1/suppressions', { address: 'a@b.co', source: '' }, 400, 'INVALID_SUPPRESSION'],
      ['POST', '/v1/suppressions', { address: 'a@b.co', note: 1 }, 400, 'VALIDATION_FAILED'],
      ['GET', '/v1/suppressions?limit=0', undefined, 400, 'VALIDATION_FAILED'],
      ['GET', '/v1/suppressions?reason=spam', undefined, 400, 'VALIDATION_FAILED'],
      ['GET', '/v1/suppressions?after=junk', undefined, 400, 'INVALID_CURSOR'],
      ['GET', '/v1/suppressions/check', undefined, 400, 'VALIDATION_FAILED'],
      ['GET', '/v1/suppressions/check?address=nope', undefined, 400, 'INVALID_EMAIL'],
      ['DELETE', '/v1/suppressions/a@b.co', undefined, 400, 'INVALID_ID'],
      ['DELETE', `/v1/suppressions/a:${addressHash('x@y.example')}`, undefined, 404, 'NOT_FOUND'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await api.call<ErrorBody>(method, path, body);
      expect({ method, path, body, status: res.status, code: res.body.code }).toEqual({
        method,
        path,
        body,
        status,
        code,
      });
      expect(res.body.message[0]).toEqual(expect.any(String));
    }
    expect(await db.count('suppressions', tenantId)).toBe(2);
  });

  it('checks one address against its own entry and its parent domain', async () => {
    const res = await api.call<{ address: string; suppressed: boolean; entries: Entry[] }>(
      'GET',
      `/v1/suppressions/check?address=${encodeURIComponent('c@Mail.Gone.example')}`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      address: 'c@mail.gone.example',
      suppressed: true,
      entries: [{ id: 'd:gone.example', reason: 'complaint' }],
    });
    const clean = await api.call('GET', '/v1/suppressions/check?address=a@keep.example');
    expect(clean.body).toEqual({ address: 'a@keep.example', suppressed: false, entries: [] });
  });

  it('leaves suppressed addresses and domains out of StreamRecipients and CountRecipients', async () => {
    expect(await streamedEmails()).toEqual(['a@keep.example', 'e@keep.example', 'f@keep.example']);
    expect(await countRecipients()).toBe(3);
    // The operator view still lists every member.
    expect(await api.subscriberCount(listId)).toBe(MEMBERS.length);
  });

  it('keeps tenants apart', async () => {
    const other = new ListApi(service.httpUrl, uniqueTenant('suppress-other'));
    const res = await other.call<{ items: Entry[] }>('GET', '/v1/suppressions');
    expect(res.body.items).toEqual([]);
    const del = await other.call('DELETE', '/v1/suppressions/d:gone.example');
    expect(del.status).toBe(404);
  });

  it('puts addresses back into the stream once their entry is removed', async () => {
    const res = await api.call('DELETE', '/v1/suppressions/d:gone.example');
    expect(res.status).toBe(204);
    expect(await streamedEmails()).toEqual([
      'a@keep.example',
      'b@gone.example',
      'c@mail.gone.example',
      'e@keep.example',
      'f@keep.example',
    ]);
    expect(await countRecipients()).toBe(5);
  });
});
