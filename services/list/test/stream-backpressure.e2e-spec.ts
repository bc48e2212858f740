// Scenario: a campaign that reads slowly holds StreamRecipients back. While the
// reader pauses, the server waits for HTTP/2 flow control instead of buffering
// the list in memory; when it reads again, every recipient arrives, in order.
import type { listV1 } from '@postline/contracts';
import { eventually, type ServiceProcess } from '@postline/platform/testing';
import {
  ListApi,
  listClient,
  ListDatabase,
  startListService,
  uniqueDatabase,
  uniqueTenant,
} from './support/list-harness';

const RECIPIENTS = 300;
// ~2 KB per message: the whole list (~600 KB) is far more than HTTP/2 lets
// through unacknowledged (a 64 KiB stream window), so a paused reader must stall the server.
const BIO = 'b'.repeat(2000);

describe('StreamRecipients with a slow reader', () => {
  const dbName = uniqueDatabase('backpressure');
  const tenantId = uniqueTenant('backpressure');
  let service: ServiceProcess;
  let db: ListDatabase;
  let client: listV1.ListServiceClient;
  let listId: string;

  async function metric(name: string): Promise<number> {
    const text = await (await fetch(`${service.httpUrl}/metrics`)).text();
    const match = new RegExp(`^postline_list_${name} (\\S+)$`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  }

  beforeAll(async () => {
    [service, db] = await Promise.all([startListService(dbName), ListDatabase.open(dbName)]);
    client = listClient(service);
    const api = new ListApi(service.httpUrl, tenantId);
    listId = await api.createList('Slow readers');
    const subscribers = Array.from({ length: RECIPIENTS }, (_, i) => ({
      email: `slow${i}@example.com`,
      attributes: { bio: BIO },
    }));
    const res = await api.call('POST', `/v1/lists/${listId}/subscribers/bulk`, { subscribers });
    expect(res.body).toMatchObject({ created: RECIPIENTS, failed: 0 });
  });
  afterAll(async () => {
    client?.close();
    await service?.stop();
    await db?.dropAndClose();
  });

  it('waits for a paused reader, then delivers every recipient in order', async () => {
    const before = await metric('recipients_streamed_total');
    const call = client.streamRecipients({ tenantId, listId, afterCursor: '' });
    const received: string[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      call.on('end', resolve);
      call.on('error', reject);
    });
    call.on('data', (m: listV1.StreamRecipientsResponse) => {
      received.push(m.cursor);
      if (received.length === 1) call.pause();
    });

    // The server reports the stream as waiting on its reader...
    await eventually(
      async () => ((await metric('recipient_streams_waiting')) === 1 ? true : undefined),
      20000,
      'the stream to wait for its paused reader',
    );
    // ...having handed over only what flow control lets through, not the whole list.
    const handedOver = (await metric('recipients_streamed_total')) - before;
    expect(handedOver).toBeLessThan(RECIPIENTS / 2);
    expect(received.length).toBeLessThan(RECIPIENTS / 2);

    call.resume();
    await ended;
    expect(received).toHaveLength(RECIPIENTS);
    expect(received).toEqual([...received].sort());
    expect(new Set(received).size).toBe(RECIPIENTS);
    expect(await metric('recipient_streams_waiting')).toBe(0);
    expect((await metric('recipients_streamed_total')) - before).toBe(RECIPIENTS);
  });
});
