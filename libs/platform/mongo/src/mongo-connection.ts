// Each service owns one MongoDB database and connects to it alone. Readiness is
// a real round trip (ping), not just a socket state, so /readyz tells the truth.
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from 'pino';

export interface MongoOptions {
  uri: string;
  dbName: string;
  logger: Logger;
}

export async function connectMongo({ uri, dbName, logger }: MongoOptions): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    dbName,
    serverSelectionTimeoutMS: 10000,
    autoIndex: true,
    // FerretDB (used locally and in tests) and MongoDB both accept these writes.
    retryWrites: false,
  });
  conn.on('disconnected', () =>
    logger.warn({ event: 'mongo_disconnected', dbName }, 'MongoDB disconnected'),
  );
  conn.on('reconnected', () =>
    logger.info({ event: 'mongo_reconnected', dbName }, 'MongoDB reconnected'),
  );
  await conn.asPromise();
  logger.info({ event: 'mongo_connected', dbName }, 'MongoDB connected');
  return conn;
}

export async function pingMongo(conn: Connection, timeoutMs = 2000): Promise<void> {
  if (conn.readyState !== 1 || !conn.db) throw new Error('MongoDB connection is not open');
  await Promise.race([
    conn.db.admin().ping(),
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error('MongoDB ping timed out')), timeoutMs).unref(),
    ),
  ]);
}
