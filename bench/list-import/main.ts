// Entry of `npm run bench -- list-import` (bench/list-import/run.sh): uploads a
// generated CSV of BENCH_ROWS rows (default 1,000,000) to the real list service
// (built dist/, this run's infra) as one streamed request, sampling the
// service's resident memory; then inserts the same documents with the driver's
// insertMany into the same server. Prints each figure, then one JSON object as
// the last line: rows_per_s, raw_rows_per_s, ratio = rows/raw, peak_rss_mb.
import { infra, startService, type ServiceProcess } from '@postline/platform/testing';
import mongoose from 'mongoose';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { csvStream } from './csv-source';
import { rawInsertRate } from './raw-insert';
import { sampleRss } from './rss-sampler';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CHUNK = Number(process.env.POSTLINE_LIST_IMPORT_CHUNK_ROWS ?? 500);
const CONCURRENCY = Number(process.env.POSTLINE_LIST_IMPORT_CONCURRENCY ?? 2);
const MAPPING = {
  email: 'email',
  name: 'name',
  attributes: { plan: 'plan', seats: { column: 'seats', type: 'number' }, city: 'city' },
};
const round = (n: number, digits = 0) => Number(n.toFixed(digits));
const log = (line: string) => process.stdout.write(`${line}\n`);

interface ImportReport {
  state: string;
  rowsProcessed: number;
  created: number;
  failed: number;
  errors: unknown[];
}

async function post(url: string, tenant: string, rows: number): Promise<ImportReport> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'x-postline-tenant': tenant },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        res.statusCode === 201
          ? resolve(JSON.parse(body) as ImportReport)
          : reject(new Error(`import answered ${res.statusCode}: ${body.slice(0, 500)}`)),
      );
    });
    req.on('error', reject);
    csvStream(rows).pipe(req);
  });
}

async function importRate(
  service: ServiceProcess,
): Promise<{ rate: number; peakMb: number; idleMb: number }> {
  const tenant = 'bench';
  const created = await fetch(`${service.httpUrl}/v1/lists`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-postline-tenant': tenant },
    body: JSON.stringify({ name: 'Bench import' }),
  });
  const { id } = (await created.json()) as { id: string };
  const pid = service.child.pid as number;
  const rss = sampleRss(pid);
  const idleMb = rss.peak();
  const started = Date.now();
  const report = await post(
    `${service.httpUrl}/v1/lists/${id}/imports?mapping=${encodeURIComponent(JSON.stringify(MAPPING))}`,
    tenant,
    ROWS,
  );
  const ms = Date.now() - started;
  const peakMb = rss.stop();
  if (report.state !== 'completed' || report.created !== ROWS || report.failed !== 0)
    throw new Error(
      `import did not create every row: ${JSON.stringify({ ...report, errors: report.errors.slice(0, 3) })}`,
    );
  return { rate: (ROWS * 1000) / ms, peakMb, idleMb };
}

async function main(): Promise<void> {
  const suffix = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const serviceDb = `list_bench_import_${suffix}`;
  log(
    `list-import: ${ROWS} rows, chunks of ${CHUNK}, ${CONCURRENCY} in flight, server ${infra.mongoUri}`,
  );
  const service = await startService('list', {
    POSTLINE_KAFKA_BROKERS: infra.kafkaBrokers,
    POSTLINE_MONGO_URI: infra.mongoUri,
    POSTLINE_LIST_DB: serviceDb,
    POSTLINE_LOG_LEVEL: 'warn',
  });
  let result: { rate: number; peakMb: number; idleMb: number };
  try {
    result = await importRate(service);
  } finally {
    await service.stop();
    await dropDatabase(serviceDb);
  }
  log(
    `through the service: ${round(result.rate)} rows/s, service RSS ${round(result.idleMb)} MiB idle, ${round(result.peakMb)} MiB peak`,
  );
  const raw = await rawInsertRate(`list_bench_raw_${suffix}`, {
    rows: ROWS,
    chunk: CHUNK,
    concurrency: CONCURRENCY,
  });
  log(
    `raw insertMany of the same documents (subscriber, membership, ledger entry per row): ${round(raw)} rows/s`,
  );
  const rawSubscribers = await rawInsertRate(`list_bench_rawsub_${suffix}`, {
    rows: ROWS,
    chunk: CHUNK,
    concurrency: CONCURRENCY,
    subscribersOnly: true,
  });
  log(`raw insertMany of the subscriber documents alone: ${round(rawSubscribers)} rows/s`);
  log(
    JSON.stringify({
      rows: ROWS,
      rows_per_s: round(result.rate),
      raw_rows_per_s: round(raw),
      ratio: round(result.rate / raw, 3),
      peak_rss_mb: round(result.peakMb),
      idle_rss_mb: round(result.idleMb),
      raw_subscriber_rows_per_s: round(rawSubscribers),
      ratio_to_subscribers_only: round(result.rate / rawSubscribers, 3),
    }),
  );
}

async function dropDatabase(dbName: string): Promise<void> {
  const conn = await mongoose
    .createConnection(infra.mongoUri, { dbName, retryWrites: false })
    .asPromise();
  await conn.dropDatabase().catch(() => undefined);
  await conn.close();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench list-import failed: ${(e as Error)?.stack ?? e}\n`);
    process.exit(1);
  },
);
