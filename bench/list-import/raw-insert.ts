// The baseline of the import benchmark: the documents an import of `rows` rows
// writes (a subscriber, a membership and a consent ledger entry per row),
// inserted straight with the driver's insertMany into the same server, in
// chunks of the same size and with as many in flight as the service uses.
// What the service adds on top (HTTP, CSV parsing, validation, dedupe, Kafka
// events, progress) is what the ratio measures.
import { ensureListIndexes, listModels } from '@postline/list/data-access';
import { infra } from '@postline/platform/testing';
import mongoose, { Types } from 'mongoose';
import { attributesOf } from './csv-source';

export interface RawOptions {
  rows: number;
  chunk: number;
  concurrency: number;
  /** Only subscriber documents (the strictest baseline). */
  subscribersOnly?: boolean;
}

export async function rawInsertRate(dbName: string, opts: RawOptions): Promise<number> {
  const conn = await mongoose
    .createConnection(infra.mongoUri, { dbName, retryWrites: false })
    .asPromise();
  try {
    const models = listModels(conn);
    await ensureListIndexes(models);
    const listId = new Types.ObjectId();
    const started = Date.now();
    const inFlight = new Set<Promise<void>>();
    for (let from = 0; from < opts.rows; from += opts.chunk) {
      const write = insertChunk(models, listId, from, Math.min(opts.rows, from + opts.chunk), opts);
      const tracked: Promise<void> = write.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      while (inFlight.size >= opts.concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    return (opts.rows * 1000) / (Date.now() - started);
  } finally {
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  }
}

async function insertChunk(
  models: ReturnType<typeof listModels>,
  listId: Types.ObjectId,
  from: number,
  to: number,
  opts: RawOptions,
): Promise<void> {
  const now = new Date();
  const subscribers = [];
  for (let i = from; i < to; i++) {
    subscribers.push({
      _id: new Types.ObjectId(),
      tenantId: 'bench',
      email: `user${i}@bench.example`,
      name: `User ${i}`,
      attributes: attributesOf(i),
      globalStatus: 'active',
      createdAt: now,
      updatedAt: now,
    });
  }
  await models.subscribers.collection.insertMany(subscribers, { ordered: false });
  if (opts.subscribersOnly) return;
  const memberships = subscribers.map((s) => ({
    _id: new Types.ObjectId(),
    tenantId: 'bench',
    listId,
    subscriberId: s._id,
    status: 'subscribed',
    createdAt: now,
  }));
  await models.memberships.collection.insertMany(memberships, { ordered: false });
  await models.consentRecords.collection.insertMany(
    memberships.map((m) => ({
      _id: `${m._id.toHexString()}:subscribed`,
      tenantId: 'bench',
      subscriberId: m.subscriberId,
      listId,
      action: 'subscribed',
      source: 'csv_import',
      at: now,
      recordedAt: now,
    })) as never[],
    { ordered: false },
  );
}
