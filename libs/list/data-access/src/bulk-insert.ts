// Many inserts in one round trip that tolerate rows that already exist. On
// FerretDB v1, batched inserts are ~100x faster than batched upserts (each upsert
// costs a query plus a write), and a large batched `update` command that matches
// existing documents can exhaust its SQLite connection pool and wedge the server;
// so bulk paths read what exists, insert the rest, and treat a duplicate-key
// error (a concurrent writer won) as "already there".
import { mongo, type Model } from 'mongoose';

export interface BulkInsertOutcome {
  /** Indexes (into the input) of the documents written. */
  inserted: number[];
  /** Indexes refused by a unique index: the document exists already. */
  duplicates: number[];
  /** Indexes that failed for another reason, with the server's message. */
  failed: Map<number, string>;
}

const DUPLICATE_KEY = 11000;

export async function insertManyTolerant<T>(
  model: Model<T>,
  docs: T[],
): Promise<BulkInsertOutcome> {
  const outcome: BulkInsertOutcome = { inserted: [], duplicates: [], failed: new Map() };
  if (docs.length === 0) return outcome;
  const bad = new Set<number>();
  try {
    await model.collection.insertMany(docs as mongo.OptionalUnlessRequiredId<mongo.Document>[], {
      ordered: false,
    });
  } catch (e) {
    if (!(e instanceof mongo.MongoBulkWriteError)) throw e;
    const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
    // A failure without per-document errors (network, server) says nothing about what was written.
    if (writeErrors.length === 0) throw e;
    for (const we of writeErrors) {
      bad.add(we.index);
      if (we.code === DUPLICATE_KEY) outcome.duplicates.push(we.index);
      else outcome.failed.set(we.index, we.errmsg ?? `write error ${we.code}`);
    }
  }
  docs.forEach((_, i) => bad.has(i) || outcome.inserted.push(i));
  return outcome;
}

/** True when the error is a single-document duplicate-key refusal. */
export function isDuplicateKeyError(e: unknown): boolean {
  return e instanceof mongo.MongoServerError && e.code === DUPLICATE_KEY;
}
