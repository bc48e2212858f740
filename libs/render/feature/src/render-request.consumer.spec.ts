import { events } from '@postline/contracts';
import { createLogger } from '@postline/platform/logging';
import { createMetricsRegistry } from '@postline/platform/metrics';
import {
  encodePayload,
  PayloadDecodeError,
  PermanentRecordError,
  type ConsumedRecord,
  type KafkaRuntime,
  type OutgoingRecord,
} from '@postline/platform/kafka';
import { compileTemplate, DEFAULT_MJML_LIMITS, RenderError } from '@postline/render/domain';
import {
  ChunkedSender,
  PRODUCE_CHUNK_BYTES,
  RenderRequestConsumer,
} from './render-request.consumer';
import { RenderMetrics } from './render.metrics';
import type { TemplateCatalog } from './template-catalog.service';

const compiled = compileTemplate({
  subject: 'Hi {{first_name}}',
  html: '<p>Hello {{first_name}}</p>',
  text: '',
});

function request(id: string, over: Partial<events.RenderRequest> = {}): events.RenderRequest {
  return events.RenderRequest.fromPartial({
    requestId: `camp-1:${id}`,
    tenantId: 't1',
    campaignId: 'camp-1',
    variantId: 'B',
    template: { templateId: 'welcome', version: 1 },
    recipient: {
      subscriberId: id,
      email: `${id}@Example.TEST`,
      name: 'Someone',
      attributes: { first_name: id },
    },
    fromAddress: 'news@sender.test',
    fromName: 'News',
    pool: 'bulk',
    requestedAt: new Date('2025-05-05T05:05:05Z'),
    ...over,
  });
}

const record = (value: Buffer, offset: number): ConsumedRecord => ({
  topic: 'mail.render.v1',
  partition: 0,
  message: { key: null, value, offset: String(offset), timestamp: '0', attributes: 0, headers: {} },
});
const encoded = (r: events.RenderRequest, offset: number) =>
  record(encodePayload(events.RenderRequest, r), offset);

function setup(load?: TemplateCatalog['load']) {
  const sent: Array<{ topic: string; records: OutgoingRecord[] }> = [];
  const send = jest.fn(async (topic: string, records: OutgoingRecord[]) => {
    sent.push({ topic, records });
  });
  const kafka = { producer: { send } } as unknown as KafkaRuntime;
  const catalog = {
    load:
      load ??
      (async (_tenant: string, templateId: string, version: number) => {
        if (version !== 1)
          throw new RenderError(
            'TEMPLATE_NOT_FOUND',
            `template ${templateId} version ${version} does not exist`,
          );
        return { record: {} as never, compiled };
      }),
  } as unknown as TemplateCatalog;
  const registry = createMetricsRegistry('render');
  const metrics = new RenderMetrics(registry);
  const settings = {
    consumerGroup: 'g',
    templateCacheSize: 10,
    maxPartBytes: 1 << 20,
    mjml: DEFAULT_MJML_LIMITS,
    compliance: {
      signingSecret: 'test-secret',
      trackingBaseUrl: 'https://t.example.test',
      bounceDomain: 'bounces.example.test',
      unsubscribeMailtoDomain: '',
    },
    tracking: false,
  };
  const logger = createLogger({ service: 'render', level: 'silent' });
  const consumer = new RenderRequestConsumer(kafka, catalog, metrics, settings, logger);
  const metric = async (series: string) => {
    const line = (await registry.registry.metrics())
      .split('\n')
      .find((l) => l.startsWith(`${series} `));
    return Number(line?.split(' ')[1]);
  };
  return { consumer, send, sent, metric };
}

describe('RenderRequestConsumer.handleBatch', () => {
  it('produces the good records in one send and marks each bad record permanent', async () => {
    const { consumer, send, sent, metric } = setup();
    const results = await consumer.handleBatch([
      encoded(request('ada'), 0),
      encoded(request('gone', { template: { templateId: 'welcome', version: 7 } }), 1),
      record(Buffer.from([0xff, 0xff, 0xff]), 2),
      encoded(
        request('evil', {
          recipient: {
            subscriberId: 'evil',
            email: 'e@x.test',
            name: '',
            attributes: { first_name: 'x\r\nBcc: y@z.test' },
          },
        }),
        3,
      ),
      encoded(request('nobody', { recipient: undefined }), 4),
      encoded(request('bob'), 5),
    ]);

    expect(send).toHaveBeenCalledTimes(1);
    expect(sent[0].topic).toBe('mail.outbound.v1');
    expect(sent[0].records.map((r) => r.key)).toEqual(['example.test', 'example.test']);
    const out = events.OutboundMessage.decode(sent[0].records[0].value);
    expect(out).toMatchObject({
      tenantId: 't1',
      routingKey: 'example.test',
      envelope: {
        mailFrom: expect.stringMatching(/^b\+[0-9a-f]{32}\.[0-9a-f]{8}@bounces\.example\.test$/),
        rcptTo: ['ada@Example.TEST'],
      },
      attempt: 1,
      pool: 'bulk',
      source: events.MessageSource.MESSAGE_SOURCE_CAMPAIGN,
      campaignId: 'camp-1',
      subscriberId: 'ada',
      variantId: 'B',
    });
    expect(out.messageId).toMatch(/^[0-9a-f]{32}$/);
    expect(Buffer.from(out.rawMime).toString()).toContain('Subject: Hi ada');

    expect(results[0]).toBeUndefined();
    expect(results[1]).toBeInstanceOf(PermanentRecordError);
    expect(results[1]?.message).toMatch(/^TEMPLATE_NOT_FOUND: /);
    expect(results[2]).toBeInstanceOf(PayloadDecodeError);
    expect(results[3]?.message).toMatch(/^HEADER_INJECTION: /);
    expect(results[4]?.message).toMatch(/^REQUEST_INVALID: render request lacks recipient/);
    expect(results[5]).toBeUndefined();

    expect(await metric('postline_render_messages_total{result="rendered"}')).toBe(2);
    expect(await metric('postline_render_messages_total{result="failed"}')).toBe(4);
    expect(await metric('postline_render_failures_total{reason="TEMPLATE_NOT_FOUND"}')).toBe(1);
    expect(await metric('postline_render_failures_total{reason="PAYLOAD_UNDECODABLE"}')).toBe(1);
    expect(await metric('postline_render_failures_total{reason="HEADER_INJECTION"}')).toBe(1);
    expect(await metric('postline_render_duration_seconds_count')).toBe(6);
  });

  it('renders a re-delivered request to the same message id and bytes', async () => {
    const { consumer, sent } = setup();
    await consumer.handleBatch([encoded(request('ada'), 0)]);
    await consumer.handleBatch([encoded(request('ada'), 0)]);
    const [a, b] = sent.map((s) => events.OutboundMessage.decode(s.records[0].value));
    expect(a.messageId).toBe(b.messageId);
    expect(Buffer.from(a.rawMime).equals(Buffer.from(b.rawMime))).toBe(true);
  });

  it('fails the whole batch on a template store outage, producing and counting nothing', async () => {
    const { consumer, send, metric } = setup(async () => {
      throw new Error('MongoServerSelectionError: connection refused');
    });
    await expect(consumer.handleBatch([encoded(request('ada'), 0)])).rejects.toThrow(
      'connection refused',
    );
    expect(send).not.toHaveBeenCalled();
    expect(await metric('postline_render_messages_total{result="rendered"}')).toBe(0);
  });

  it('fails the batch when the outbound send fails, so offsets are not committed', async () => {
    const { consumer, send, metric } = setup();
    send.mockRejectedValueOnce(new Error('KafkaJSNumberOfRetriesExceeded'));
    await expect(consumer.handleBatch([encoded(request('ada'), 0)])).rejects.toThrow('KafkaJS');
    expect(await metric('postline_render_messages_total{result="rendered"}')).toBe(0);
  });

  const loadOnly =
    (html: string): TemplateCatalog['load'] =>
    async () => ({
      record: {} as never,
      compiled: compileTemplate({ subject: 'Hi', html, text: '' }),
    });

  it('splits the outbound send so no request exceeds the broker record-batch limit', async () => {
    const { consumer, sent } = setup(
      loadOnly(`<p>${'Lorem ipsum dolor sit amet. '.repeat(1100)}</p>`),
    );
    const records = Array.from({ length: 40 }, (_, i) => encoded(request(`u${i}`), i));
    const results = await consumer.handleBatch(records);
    expect(results.every((r) => r === undefined)).toBe(true);
    expect(sent.length).toBeGreaterThan(1);
    for (const s of sent) {
      const bytes = s.records.reduce((n, r) => n + r.value.length + r.key.length, 0);
      expect(bytes).toBeLessThanOrEqual(PRODUCE_CHUNK_BYTES);
    }
    const order = sent.flatMap((s) =>
      s.records.map((r) => events.OutboundMessage.decode(r.value).subscriberId),
    );
    expect(order).toEqual(Array.from({ length: 40 }, (_, i) => `u${i}`));
  });

  it('dead-letters a message too large for one Kafka record as RENDER_OUTPUT_TOO_LARGE', async () => {
    const { consumer, sent } = setup(loadOnly(`<p>${'x'.repeat(990_000)}</p>`));
    const [result] = await consumer.handleBatch([encoded(request('big'), 0)]);
    expect(result).toBeInstanceOf(PermanentRecordError);
    expect(result?.message).toMatch(/^RENDER_OUTPUT_TOO_LARGE: /);
    expect(sent.flatMap((s) => s.records)).toHaveLength(0);
  });
});

describe('bad input in a batch', () => {
  /** The request with the bytes of `marker` (in its recipient name) replaced by invalid UTF-8. */
  function withInvalidUtf8(id: string): ConsumedRecord {
    const marker = 'MARKER';
    const bytes = encodePayload(
      events.RenderRequest,
      request(id, {
        recipient: { subscriberId: id, email: `${id}@example.test`, name: marker, attributes: {} },
      }),
    );
    const at = bytes.indexOf(marker);
    Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xa0, 0xa1]).copy(bytes, at);
    return record(bytes, 0);
  }

  it('dead-letters each bad request with its reason and produces only the good ones', async () => {
    const { consumer, sent, metric } = setup(async (_t, templateId) => ({
      record: {} as never,
      compiled: compileTemplate({
        subject: 'Hi {{first_name}}',
        html:
          templateId === 'loops'
            ? '{{#each a}}{{#each ../a}}{{#each ../../a}}.{{/each}}{{/each}}{{/each}}'
            : '<p>Hello {{first_name}}</p>',
        text: '',
      }),
    }));
    const attrs = (attributes: Record<string, unknown>) => (id: string) =>
      request(id, {
        recipient: { subscriberId: id, email: `${id}@example.test`, name: '', attributes },
      });
    const results = await consumer.handleBatch([
      encoded(request('ada'), 0),
      withInvalidUtf8('utf8'),
      encoded(attrs({ first_name: 'A\0da' })('nul'), 2),
      encoded(attrs({ first_name: 'x'.repeat(20000) })('huge'), 3),
      encoded(
        request('loop', {
          template: { templateId: 'loops', version: 1 },
          recipient: {
            subscriberId: 'loop',
            email: 'loop@example.test',
            name: '',
            attributes: { a: Array.from({ length: 500 }, (_, i) => i) },
          },
        }),
        4,
      ),
      encoded(request('bob'), 5),
    ]);

    expect(results[0]).toBeUndefined();
    expect(results[1]?.message).toMatch(/^REQUEST_INVALID: .*not valid UTF-8/);
    expect(results[2]?.message).toMatch(
      /^MERGE_DATA_INVALID: merge value "first_name" contains NUL/,
    );
    expect(results[3]?.message).toMatch(
      /^MERGE_DATA_INVALID: merge value "first_name" is 20000 bytes/,
    );
    expect(results[4]?.message).toMatch(/^RENDER_LIMIT_EXCEEDED: html: /);
    expect(results[5]).toBeUndefined();
    for (const r of results.slice(1, 5)) expect(r).toBeInstanceOf(PermanentRecordError);
    const produced = sent.flatMap((s) =>
      s.records.map((r) => events.OutboundMessage.decode(r.value)),
    );
    expect(produced.map((m) => m.subscriberId)).toEqual(['ada', 'bob']);
    expect(await metric('postline_render_failures_total{reason="MERGE_DATA_INVALID"}')).toBe(2);
    expect(await metric('postline_render_failures_total{reason="RENDER_LIMIT_EXCEEDED"}')).toBe(1);
  });

  it('still treats bytes that are no RenderRequest at all as undecodable', async () => {
    const { consumer } = setup();
    const [result] = await consumer.handleBatch([record(Buffer.from([0x0a, 0xff, 0xff]), 0)]);
    expect(result).toBeInstanceOf(PayloadDecodeError);
  });
});

describe('ChunkedSender', () => {
  const rec = (n: number) => ({ key: 'k', value: Buffer.alloc(n - 1) });

  it('keeps order, starts a new chunk before the limit and never sends an empty one', async () => {
    const chunks: number[][] = [];
    const sender = new ChunkedSender(
      async (c) => void chunks.push(c.map((r) => r.value.length + 1)),
      100,
    );
    for (const n of [40, 40, 40, 200, 10]) sender.add(rec(n));
    await sender.finish();
    expect(chunks).toEqual([[40, 40], [40], [200], [10]]);
    const none: unknown[] = [];
    await new ChunkedSender(async (c) => void none.push(c), 100).finish();
    expect(none).toHaveLength(0);
  });

  it('sends a full chunk while later records are still added, one send at a time', async () => {
    const started: number[] = [];
    const acks: Array<() => void> = [];
    const sender = new ChunkedSender((c) => {
      started.push(c[0].value.length + 1);
      return new Promise<void>((resolve) => acks.push(resolve));
    }, 100);
    sender.add(rec(60));
    sender.add(rec(61));
    sender.add(rec(62));
    await Promise.resolve();
    // The first chunk is on its way; the second waits for its acknowledgement.
    expect(started).toEqual([60]);
    acks[0]();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([60, 61]);
    const finished = sender.finish();
    acks[1]();
    await new Promise((r) => setImmediate(r));
    acks[2]();
    await finished;
    expect(started).toEqual([60, 61, 62]);
  });

  it('stops at the first failed send and fails finish() with it', async () => {
    const started: number[] = [];
    const sender = new ChunkedSender(async (c) => {
      started.push(c[0].value.length + 1);
      if (started.length === 1) throw new Error('first failed');
    }, 100);
    sender.add(rec(60));
    sender.add(rec(70));
    sender.add(rec(80));
    await expect(sender.finish()).rejects.toThrow('first failed');
    expect(started).toEqual([60]);
  });
});
