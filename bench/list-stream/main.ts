// Entry of `npm run bench -- list-stream` (bench/list-stream/run.sh): streams a
// segment of BENCH_SUBSCRIBERS members (default 1,000,000) from the real list
// service (built dist/, this run's infra) over gRPC StreamRecipients, then reads
// the same subscriber documents with a driver cursor (same filter, same order)
// from the same server. Prints each figure, then one JSON object as the last
// line: stream_per_s, raw_per_s, ratio = stream/raw.
import { listV1 } from '@postline/contracts';
import { compileSegment } from '@postline/list/domain';
import { createGrpcClient } from '@postline/platform/grpc';
import { infra, startService, type ServiceProcess } from '@postline/platform/testing';
import mongoose, { Types, type Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { seedList } from './seed';

const N = Number(process.env.BENCH_SUBSCRIBERS ?? 1_000_000);
const SEGMENT = 'attributes.plan != "churned" and inactive(60d)';
const TENANT = 'bench';
const round = (n: number, digits = 0) => Number(n.toFixed(digits));
const log = (line: string) => process.stdout.write(`${line}\n`);

function rssMb(pid: number): number {
  return (
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
  );
}

/** Streams the segment; resolves with recipients/s and the service's peak RSS. */
function streamRate(
  service: ServiceProcess,
  listId: string,
): Promise<{ rate: number; peakMb: number; firstMs: number }> {
  const client = createGrpcClient(listV1.ListServiceClient, service.grpcAddress);
  const pid = service.child.pid as number;
  let peak = rssMb(pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 500);
  const started = Date.now();
  let received = 0;
  let firstMs = 0;
  let last = '';
  return new Promise<{ rate: number; peakMb: number; firstMs: number }>((resolve, reject) => {
    const call = client.streamRecipients({
      tenantId: TENANT,
      listId,
      afterCursor: '',
      segment: SEGMENT,
    });
    call.on('data', (m: listV1.StreamRecipientsResponse) => {
      if (m.cursor <= last)
        reject(new Error(`out of order at ${received}: ${m.cursor} after ${last}`));
      last = m.cursor;
      if (received++ === 0) firstMs = Date.now() - started;
    });
    call.on('error', (e) => (clearInterval(sampler), client.close(), reject(e)));
    call.on('end', () => {
      clearInterval(sampler);
      client.close();
      if (received !== N) return reject(new Error(`streamed ${received} of ${N} recipients`));
      resolve({ rate: (N * 1000) / (Date.now() - started), peakMb: peak, firstMs });
    });
  });
}

/** The same documents through a plain driver cursor: the segment's filter, in _id order. */
async function rawRate(conn: Connection): Promise<{ rate: number; firstMs: number }> {
  const { filter } = compileSegment(SEGMENT);
  const started = Date.now();
  let n = 0;
  let firstMs = 0;
  const cursor = conn
    .collection('subscribers')
    .find(
      { $and: [{ tenantId: TENANT }, { globalStatus: 'active' }, filter] },
      { projection: { _id: 1, email: 1, name: 1, attributes: 1, globalStatus: 1 } },
    )
    .sort({ _id: 1 })
    .batchSize(500);
  for await (const _doc of cursor) if (n++ === 0) firstMs = Date.now() - started;
  if (n !== N) throw new Error(`the cursor read ${n} of ${N} documents`);
  return { rate: (N * 1000) / (Date.now() - started), firstMs };
}

async function main(): Promise<void> {
  const dbName = `list_bench_stream_${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  log(`list-stream: a segment of ${N} members (${SEGMENT}), server ${infra.mongoUri}`);
  const service = await startService('list', {
    POSTLINE_KAFKA_BROKERS: infra.kafkaBrokers,
    POSTLINE_MONGO_URI: infra.mongoUri,
    POSTLINE_LIST_DB: dbName,
    POSTLINE_LOG_LEVEL: 'warn',
  });
  const conn = await mongoose
    .createConnection(infra.mongoUri, { dbName, retryWrites: false })
    .asPromise();
  try {
    const listId = new Types.ObjectId();
    await conn
      .collection('lists')
      .insertOne({ _id: listId, tenantId: TENANT, name: 'Bench stream', createdAt: new Date() });
    const seeded = Date.now();
    await seedList(conn, TENANT, listId, N);
    log(`seeded ${N} subscribers and memberships in ${round((Date.now() - seeded) / 1000, 1)} s`);
    const stream = await streamRate(service, listId.toHexString());
    log(
      `StreamRecipients over gRPC: ${round(stream.rate)} recipients/s (first after ${round(stream.firstMs / 1000, 1)} s), service RSS peak ${round(stream.peakMb)} MiB`,
    );
    const raw = await rawRate(conn);
    log(
      `driver cursor over the same documents: ${round(raw.rate)} documents/s (first after ${round(raw.firstMs / 1000, 1)} s)`,
    );
    log(
      JSON.stringify({
        subscribers: N,
        stream_per_s: round(stream.rate),
        raw_per_s: round(raw.rate),
        ratio: round(stream.rate / raw.rate, 3),
        peak_rss_mb: round(stream.peakMb),
        stream_first_s: round(stream.firstMs / 1000, 1),
        raw_first_s: round(raw.firstMs / 1000, 1),
      }),
    );
  } finally {
    await service.stop();
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench list-stream failed: ${(e as Error)?.stack ?? e}\n`);
    process.exit(1);
  },
);
