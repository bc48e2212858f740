// Scenario: an operator imports a CSV export into a list. The file mixes good
// rows with every kind of bad one (bad address, empty email cell, bad quoting,
// short row, repeated address, Latin-1 bytes, a non-number in a number column,
// oversized attributes): the good rows are stored, each bad one is reported by
// line with its code, and uploading the same file again changes nothing.
// Progress shows while a slow upload runs; a file that cannot be mapped is
// refused up front and leaves no trace.
import { eventually, type ServiceProcess } from '@postline/platform/testing';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import {
  ListApi,
  ListDatabase,
  metricValue,
  startListService,
  uniqueDatabase,
  uniqueTenant,
  type ErrorBody,
} from './support/list-harness';

interface ImportReport {
  id: string;
  listId: string;
  state: string;
  rowsProcessed: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: Array<{ row: number; email: string; code: string; reason: string }>;
  errorsTruncated: boolean;
  failure?: { code: string; message: string };
}

const MAPPING = {
  email: 'Email',
  name: 'Full name',
  attributes: { plan: 'Plan', seats: { column: 'Seats', type: 'number' } },
};
const OVERSIZED = `heidi@example.com,Heidi,${'p'.repeat(17 * 1024)},1,A-13\r\n`;
const FILE = Buffer.concat([
  readFileSync(join(__dirname, 'fixtures', 'import-mixed.csv')),
  Buffer.from(OVERSIZED),
]);

describe('CSV import', () => {
  let service: ServiceProcess;
  let db: ListDatabase;
  let api: ListApi;
  let listId: string;
  const tenantId = uniqueTenant('import');
  const dbName = uniqueDatabase('import');

  beforeAll(async () => {
    [service, db] = await Promise.all([
      // Small chunks and frequent progress writes, so that a short file shows progress.
      startListService(dbName, {
        POSTLINE_LIST_IMPORT_CHUNK_ROWS: '5',
        POSTLINE_LIST_IMPORT_PROGRESS_INTERVAL_MS: '50',
      }),
      ListDatabase.open(dbName),
    ]);
    api = new ListApi(service.httpUrl, tenantId);
    listId = await api.createList('Customers');
  });
  afterAll(async () => {
    await service?.stop();
    await db?.dropAndClose();
  });

  it('imports the good rows and reports each bad row by line with its code', async () => {
    const res = await api.importCsv<ImportReport>(listId, FILE, { mapping: MAPPING });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      state: 'completed',
      rowsProcessed: 13,
      created: 5,
      updated: 0,
      unchanged: 0,
      failed: 8,
      errorsTruncated: false,
    });
    expect(res.body.errors.map((e) => [e.row, e.email, e.code])).toEqual([
      [4, 'not-an-address', 'INVALID_EMAIL'],
      [5, '', 'INVALID_EMAIL'],
      [6, '', 'INVALID_CSV_ROW'],
      [7, 'dave@example.com', 'INVALID_CSV_ROW'],
      [8, 'ada@example.com', 'DUPLICATE_IN_FILE'],
      [9, '', 'INVALID_UTF8'],
      [12, 'grace@example.com', 'INVALID_ATTRIBUTES'],
      [16, 'heidi@example.com', 'INVALID_ATTRIBUTES'],
    ]);
    const reason = (row: number) => res.body.errors.find((e) => e.row === row)?.reason;
    expect(reason(5)).toBe('email is missing (column "Email" is empty)');
    expect(reason(6)).toMatch(/^bad quoting: "x" follows a closing quote/);
    expect(reason(7)).toBe('the row has 4 fields; the header has 5');
    expect(reason(8)).toBe('the address is on line 2 already; only that row is imported');
    expect(reason(9)).toBe('column "Full name" is not valid UTF-8 (save the file as UTF-8)');
    expect(reason(12)).toBe('attributes.seats: "many" in column "Seats" is not a number');
    expect(reason(16)).toMatch(/^attributes are \d+ bytes as JSON; the limit is 16384$/);
  });

  it('stores the imported subscribers with their mapped name and typed attributes', async () => {
    const stored = await db.all('subscribers', tenantId);
    const byEmail = new Map(stored.map((s) => [s.email, s]));
    expect([...byEmail.keys()].sort()).toEqual([
      'ada@example.com',
      'bob@example.com',
      'frank@example.com',
      'ivan@xn--mnchen-3ya.de',
      'judy@xn--mnchen-3ya.de',
    ]);
    expect(byEmail.get('bob@example.com')).toMatchObject({
      name: 'Bob "The Builder" Smith',
      attributes: { plan: 'free', seats: 1 },
    });
    // Empty cells set nothing; unmapped columns are not imported.
    expect(byEmail.get('ivan@xn--mnchen-3ya.de')?.attributes).toEqual({ plan: 'free' });
    expect(byEmail.get('judy@xn--mnchen-3ya.de')?.attributes).toEqual({ seats: 2 });
    expect(await api.subscriberCount(listId)).toBe(5);
    const ledger = await db.all('consent_records', tenantId);
    expect(ledger.map((r) => r.source)).toEqual(Array(5).fill('csv_import'));
  });

  it('reports every row of a re-run as unchanged, and writes nothing', async () => {
    const before = await db.all('subscribers', tenantId);
    const res = await api.importCsv<ImportReport>(listId, FILE, { mapping: MAPPING });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ created: 0, updated: 0, unchanged: 5, failed: 8 });
    expect(await db.all('subscribers', tenantId)).toEqual(before);
    expect(await db.count('memberships', tenantId)).toBe(5);
    expect(await db.count('consent_records', tenantId)).toBe(5);
  });

  it('reports a changed row as updated and merges its attributes', async () => {
    const csv = 'Email,Full name,Plan\nada@example.com,Ada King,team\nbob@example.com,,free\n';
    const res = await api.importCsv<ImportReport>(listId, csv, {
      mapping: { email: 'Email', name: 'Full name', attributes: { plan: 'Plan' } },
    });
    expect(res.body).toMatchObject({ created: 0, updated: 1, unchanged: 1, failed: 0 });
    const ada = (await db.all('subscribers', tenantId)).find((s) => s.email === 'ada@example.com');
    expect(ada).toMatchObject({ name: 'Ada King', attributes: { plan: 'team', seats: 3 } });
  });

  it('shows progress while a slow upload runs, and the finished job afterwards', async () => {
    const list = await api.createList('Slow');
    const rows = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => `slow${from + i}@example.com\n`).join('');
    const upload = slowUpload(`${service.httpUrl}/v1/lists/${list}/imports`, tenantId);
    upload.write(`email\n${rows(0, 12)}`);
    const running = await eventually(
      async () => {
        const res = await api.call<{ items: ImportReport[] }>('GET', `/v1/lists/${list}/imports`);
        const job = res.body.items[0];
        return job?.state === 'running' && job.created >= 10 ? job : undefined;
      },
      15000,
      'a running import with 10 rows written',
    );
    expect(running.rowsProcessed).toBeGreaterThanOrEqual(10);
    expect(running.failed).toBe(0);
    const single = await api.call<ImportReport>('GET', `/v1/imports/${running.id}`);
    expect(single.body).toMatchObject({ id: running.id, state: 'running' });

    const finished = await upload.finish(rows(12, 30));
    expect(finished.status).toBe(201);
    expect(finished.body).toMatchObject({ id: running.id, state: 'completed', created: 30 });
    const after = await api.call<ImportReport>('GET', `/v1/imports/${running.id}`);
    expect(after.body).toMatchObject({ state: 'completed', rowsProcessed: 30, created: 30 });
  });

  it('marks an import whose upload breaks off as failed, keeping the rows written', async () => {
    const list = await api.createList('Broken');
    const upload = slowUpload(`${service.httpUrl}/v1/lists/${list}/imports`, tenantId);
    upload.write(
      `email\n${Array.from({ length: 10 }, (_, i) => `cut${i}@example.com\n`).join('')}`,
    );
    const job = await eventually(
      async () => {
        const res = await api.call<{ items: ImportReport[] }>('GET', `/v1/lists/${list}/imports`);
        return res.body.items[0]?.created === 10 ? res.body.items[0] : undefined;
      },
      15000,
      'the first chunks of the broken upload',
    );
    upload.abort();
    const failed = await eventually(
      async () => {
        const res = await api.call<ImportReport>('GET', `/v1/imports/${job.id}`);
        return res.body.state === 'failed' ? res.body : undefined;
      },
      15000,
      'the broken import to be marked failed',
    );
    expect(failed.failure?.code).toBe('UPLOAD_INTERRUPTED');
    expect(await api.subscriberCount(list)).toBe(10);
  });

  it('refuses a file whose header lacks the mapped email column, importing nothing', async () => {
    const list = await api.createList('Wrong file');
    const res = await api.importCsv<ErrorBody>(list, 'Mail,Name\na@example.com,A\n');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MISSING_COLUMN');
    expect(res.body.message).toEqual([
      'the header has no email column "email" (columns: "Mail", "Name")',
    ]);
    const jobs = await api.call<{ items: unknown[] }>('GET', `/v1/lists/${list}/imports`);
    expect(jobs.body.items).toEqual([]);
    expect(await api.subscriberCount(list)).toBe(0);
  });

  it('refuses what cannot be imported at all with a precise status and code', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email\n', 'utf16le')]);
    const cases: Array<[Promise<{ status: number; body: ErrorBody }>, number, string]> = [
      [api.importCsv(listId, ''), 400, 'INVALID_CSV'],
      [api.importCsv(listId, utf16), 400, 'INVALID_CSV'],
      [api.importCsv(listId, 'email\n', { mapping: { emial: 'x' } }), 400, 'INVALID_MAPPING'],
      [
        api.importCsv(listId, 'email\n', { contentType: 'multipart/form-data; boundary=x' }),
        415,
        'UNSUPPORTED_CONTENT_TYPE',
      ],
      [api.importCsv('0123456789abcdef01234567', 'email\n'), 404, 'NOT_FOUND'],
      [api.importCsv('not-an-id', 'email\n'), 400, 'INVALID_ID'],
      [api.call('GET', '/v1/imports/0123456789abcdef01234567'), 404, 'NOT_FOUND'],
    ];
    for (const [call, status, code] of cases) {
      const res = await call;
      expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    }
  });

  it('counts import rows by result on /metrics', async () => {
    expect(
      await metricValue(service, 'postline_list_import_rows_total', { result: 'failed' }),
    ).toBe(16);
    expect(
      await metricValue(service, 'postline_list_import_rows_total', { result: 'unchanged' }),
    ).toBe(6);
    expect(
      await metricValue(service, 'postline_list_imports_total', { outcome: 'interrupted' }),
    ).toBe(1);
  });
});

/** A POST whose body is written piece by piece, as a slow client uploads. */
function slowUpload(url: string, tenant: string) {
  const req = request(url, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', 'x-postline-tenant': tenant },
  });
  const response = new Promise<{ status: number; body: ImportReport }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as ImportReport }),
      );
    });
    req.on('error', reject);
  });
  return {
    write: (text: string) => req.write(text),
    finish: (text: string) => {
      req.end(text);
      return response;
    },
    abort: () => {
      response.catch(() => undefined);
      req.destroy();
    },
  };
}
