// Shared plumbing of the list service's scenarios: start the built service as a
// real process against the local Kafka and FerretDB, call its REST API as a
// tenant, and drain its gRPC recipient stream.
import type { ClientReadableStream, ServiceError } from '@grpc/grpc-js';
import { events, listV1 } from '@postline/contracts';
import { createGrpcClient } from '@postline/platform/grpc';
import { encodePayload } from '@postline/platform/kafka';
import { infra, startService, type ServiceProcess } from '@postline/platform/testing';
import { Kafka, logLevel } from 'kafkajs';
import mongoose, { Types, type Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';

/**
 * A database of its own per scenario run. Tenants already isolate the data; a
 * fresh database also keeps FerretDB fast (it scans whole collections for any
 * query but an _id lookup), and it is dropped when the scenario ends.
 */
export function uniqueDatabase(scenario: string): string {
  return `list_e2e_${scenario}_${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
}

export async function startListService(
  dbName: string,
  extraEnv: Record<string, string> = {},
): Promise<ServiceProcess> {
  const env = {
    POSTLINE_KAFKA_BROKERS: infra.kafkaBrokers,
    POSTLINE_MONGO_URI: infra.mongoUri,
    POSTLINE_LIST_DB: dbName,
    POSTLINE_LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  return startService('list', env);
}

/** A tenant no other test (or earlier run) uses, so each scenario sees only its own data. */
export function uniqueTenant(scenario: string): string {
  return `e2e-${scenario}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string[];
}

export class ListApi {
  constructor(
    private readonly baseUrl: string,
    readonly tenant: string,
  ) {}

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-postline-tenant': this.tenant },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  /** Uploads a CSV file to POST /v1/lists/:listId/imports, with an optional column mapping. */
  async importCsv<T = Record<string, unknown>>(
    listId: string,
    csv: string | Buffer,
    opts: { mapping?: unknown; contentType?: string } = {},
  ): Promise<ApiResponse<T>> {
    const query =
      opts.mapping === undefined
        ? ''
        : `?mapping=${encodeURIComponent(JSON.stringify(opts.mapping))}`;
    const res = await fetch(`${this.baseUrl}/v1/lists/${listId}/imports${query}`, {
      method: 'POST',
      headers: { 'content-type': opts.contentType ?? 'text/csv', 'x-postline-tenant': this.tenant },
      body: csv,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  async createList(name: string): Promise<string> {
    const res = await this.call<{ id: string }>('POST', '/v1/lists', { name });
    if (res.status !== 201)
      throw new Error(`creating list failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  async subscriberCount(listId: string): Promise<number> {
    const res = await this.call<{ subscriberCount: number }>('GET', `/v1/lists/${listId}`);
    if (res.status !== 200)
      throw new Error(`reading list failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.subscriberCount;
  }

  /** Every member of the list through the paged listing, in its order. */
  async allMembers(
    listId: string,
    limit = 250,
  ): Promise<Array<{ id: string; email: string; status: string }>> {
    const all: Array<{ id: string; email: string; status: string }> = [];
    let after: string | null = null;
    do {
      const query: string = `limit=${limit}${after ? `&after=${after}` : ''}`;
      const res = await this.call<{ items: typeof all; nextCursor: string | null }>(
        'GET',
        `/v1/lists/${listId}/subscribers?${query}`,
      );
      if (res.status !== 200)
        throw new Error(`listing failed: ${res.status} ${JSON.stringify(res.body)}`);
      all.push(...res.body.items);
      after = res.body.nextCursor;
    } while (after);
    return all;
  }
}

export function listClient(service: ServiceProcess): listV1.ListServiceClient {
  return createGrpcClient(listV1.ListServiceClient, service.grpcAddress);
}

/** Reads a whole StreamRecipients call; rejects with the gRPC error if the call fails. */
export function drain(
  stream: ClientReadableStream<listV1.StreamRecipientsResponse>,
): Promise<listV1.StreamRecipientsResponse[]> {
  return new Promise((resolve, reject) => {
    const items: listV1.StreamRecipientsResponse[] = [];
    stream.on('data', (m: listV1.StreamRecipientsResponse) => items.push(m));
    stream.on('error', (e: ServiceError) => reject(e));
    stream.on('end', () => resolve(items));
  });
}

/**
 * Documents of one tenant in one of the list service's collections, read
 * straight from the database: proves that a refused request left nothing
 * behind, not even a subscriber without a membership.
 */
export class ListDatabase {
  private constructor(private readonly conn: Connection) {}

  static async open(dbName: string): Promise<ListDatabase> {
    const conn = await mongoose
      .createConnection(infra.mongoUri, { dbName, retryWrites: false })
      .asPromise();
    return new ListDatabase(conn);
  }

  count(
    collection: 'lists' | 'subscribers' | 'memberships' | 'suppressions' | 'consent_records',
    tenantId: string,
  ): Promise<number> {
    return this.conn.collection(collection).countDocuments({ tenantId });
  }

  /** One subscriber document as stored (engagement included), or null. */
  subscriber(id: string): Promise<Record<string, unknown> | null> {
    return this.conn.collection('subscribers').findOne({ _id: new Types.ObjectId(id) });
  }

  /** Every document of the tenant in a collection, as stored. */
  all(collection: string, tenantId: string): Promise<Record<string, unknown>[]> {
    return this.conn.collection(collection).find({ tenantId }).toArray();
  }

  /** Sets state that later features (unsubscribe links, bounce handling) will set through the pipeline. */
  async update(
    collection: 'subscribers' | 'memberships',
    filter: Record<string, unknown>,
    set: Record<string, unknown>,
  ): Promise<number> {
    const res = await this.conn.collection(collection).updateMany(filter, { $set: set });
    return res.modifiedCount;
  }

  /** Drops the scenario's database (call after the service has stopped) and disconnects. */
  async dropAndClose(): Promise<void> {
    try {
      await this.conn.dropDatabase();
    } finally {
      await this.conn.close();
    }
  }
}

export function kafkaClient(clientId = 'list-e2e'): Kafka {
  return new Kafka({
    clientId,
    brokers: infra.kafkaBrokers.split(','),
    logLevel: logLevel.NOTHING,
  });
}

/** A topic name no other run uses, so a scenario reads only what it produced. */
export function uniqueTopic(base: string): string {
  return `${base}.e2e-${randomBytes(4).toString('hex')}`;
}

/** Produces DeliveryEvents keyed by message id, as the MTA and tracking do, in order. */
export async function produceDeliveryEvents(
  kafka: Kafka,
  topic: string,
  list: Array<Partial<events.DeliveryEvent>>,
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: list.map((e) => ({
        key: e.messageId ?? 'm',
        value: encodePayload(events.DeliveryEvent, events.DeliveryEvent.fromPartial(e)),
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

/** Produces raw bytes (for records that are not a DeliveryEvent at all). */
export async function produceRaw(kafka: Kafka, topic: string, value: Buffer): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ key: 'raw', value }] });
  } finally {
    await producer.disconnect();
  }
}

/** Deletes the scenario's topics (and their dead-letter topics); failures are ignored. */
export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin
    .deleteTopics({ topics: topics.flatMap((t) => [t, `${t}.dlq`]) })
    .catch(() => undefined);
  await admin.disconnect();
}

/** The value of one series of a metric on the service's /metrics, 0 when absent. */
export async function metricValue(
  service: ServiceProcess,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${service.httpUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) =>
        (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) &&
        Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

/** The sum of every series of a counter on the service's /metrics. */
export async function metricSum(service: ServiceProcess, name: string): Promise<number> {
  const text = await (await fetch(`${service.httpUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}
