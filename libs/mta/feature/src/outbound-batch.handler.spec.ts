import { events } from '@postline/contracts';
import type { DeliveryResult, Dispatcher, SmtpEnvelope } from '@postline/mta/dispatch';
import { DnsTemporaryError, NullMxError, type NextHop } from '@postline/mta/routing';
import {
  PayloadDecodeError,
  PermanentRecordError,
  Topics,
  decodePayload,
  encodePayload,
  type ConsumedRecord,
  type OutgoingRecord,
} from '@postline/platform/kafka';
import { createLogger } from '@postline/platform/logging';
import { createMetricsRegistry } from '@postline/platform/metrics';
import type { KafkaMessage } from 'kafkajs';
import { createMtaMetrics } from './mta.metrics';
import {
  DeliveryDeferredError,
  OutboundBatchHandler,
  type OutboundBatchHandlerOptions,
} from './outbound-batch.handler';

type Verdict = (
  rcpt: string,
  call: number,
) => Pick<DeliveryResult, 'outcome'> & { code: number; enhancedCode: string };

/** A dispatcher whose per-recipient verdicts the test scripts; records every envelope it was given. */
class ScriptedDispatcher implements Dispatcher {
  readonly calls: Array<{ hop: NextHop; envelope: SmtpEnvelope; raw: string }> = [];
  constructor(
    private readonly verdict: Verdict = () => ({
      outcome: 'delivered',
      code: 250,
      enhancedCode: '2.0.0',
    }),
  ) {}
  async deliver(hop: NextHop, envelope: SmtpEnvelope, raw: Buffer): Promise<DeliveryResult[]> {
    this.calls.push({ hop, envelope, raw: raw.toString() });
    const call = this.calls.length;
    return envelope.rcptTo.map((recipient) => {
      const { outcome, code, enhancedCode } = this.verdict(recipient, call);
      return {
        recipient,
        outcome,
        reply: { code, enhancedCode, text: 'scripted' },
        mxHost: hop.host,
      };
    });
  }
  async close(): Promise<void> {}
}

const sinkHop = (): Promise<NextHop> =>
  Promise.resolve({ host: 'mx.test', port: 25, via: 'mx', local: false });

let offset = 0;
function record(partial: Partial<events.OutboundMessage>): ConsumedRecord {
  const msg = events.OutboundMessage.fromPartial({
    messageId: `m${offset}`,
    tenantId: 't1',
    routingKey: 'example.com',
    envelope: { mailFrom: 'bounces@postline.test', rcptTo: ['a@example.com'] },
    rawMime: Buffer.from('Subject: hi\r\n\r\nbody\r\n'),
    attempt: 1,
    campaignId: 'c1',
    subscriberId: 's1',
    variantId: 'v1',
    ...partial,
  });
  return rawRecord(encodePayload(events.OutboundMessage, msg));
}

function rawRecord(value: Buffer): ConsumedRecord {
  const message = {
    key: null,
    value,
    offset: String(offset++),
    timestamp: '0',
    attributes: 0,
    headers: {},
  } as unknown as KafkaMessage;
  return { topic: Topics.outbound, partition: 0, message };
}

function setup(overrides: Partial<OutboundBatchHandlerOptions> = {}) {
  const sent: Array<{ topic: string; records: OutgoingRecord[] }> = [];
  const sleeps: number[] = [];
  const registry = createMetricsRegistry('mta');
  const dispatcher = (overrides.dispatcher as ScriptedDispatcher) ?? new ScriptedDispatcher();
  const handler = new OutboundBatchHandler({
    resolver: { resolve: sinkHop },
    dispatcher,
    events: { send: async (topic, records) => void sent.push({ topic, records }) },
    logger: createLogger({ service: 'mta', level: 'silent' }),
    metrics: createMtaMetrics(registry),
    maxInflight: 16,
    perKeyConcurrency: 2,
    retry: { maxAttempts: 3, initialDelayMs: 1000, maxDelayMs: 4000 },
    now: () => new Date('2025-01-02T03:04:05Z'),
    sleep: async (ms) => void sleeps.push(ms),
    ...overrides,
  });
  const produced = () =>
    sent.flatMap((s) =>
      s.records.map((r) => ({
        key: r.key,
        event: decodePayload(events.DeliveryEvent, s.topic, r.value),
      })),
    );
  return { handler, dispatcher, sent, sleeps, registry, produced };
}

describe('OutboundBatchHandler', () => {
  it('delivers each message and produces one DELIVERED event per recipient in a single send', async () => {
    const { handler, dispatcher, sent, produced } = setup();
    const batch = [
      record({ messageId: 'm-a' }),
      record({
        messageId: 'm-b',
        routingKey: 'other.test',
        envelope: { mailFrom: '', rcptTo: ['x@other.test'] },
      }),
    ];
    await expect(handler.handle(batch)).resolves.toEqual([undefined, undefined]);
    expect(dispatcher.calls.map((c) => c.envelope)).toEqual(
      expect.arrayContaining([
        { mailFrom: 'bounces@postline.test', rcptTo: ['a@example.com'] },
        { mailFrom: '', rcptTo: ['x@other.test'] },
      ]),
    );
    expect(dispatcher.calls[0].raw).toBe('Subject: hi\r\n\r\nbody\r\n');
    expect(sent).toHaveLength(1);
    expect(sent[0].topic).toBe(Topics.events);
    const first = produced().find((p) => p.key === 'm-a')!.event;
    expect(first).toEqual(
      events.DeliveryEvent.fromPartial({
        eventId: 'm-a:delivered:1',
        messageId: 'm-a',
        tenantId: 't1',
        campaignId: 'c1',
        subscriberId: 's1',
        variantId: 'v1',
        recipient: 'a@example.com',
        type: events.DeliveryEventType.DELIVERY_EVENT_TYPE_DELIVERED,
        occurredAt: new Date('2025-01-02T03:04:05Z'),
        attempt: 1,
        reply: { code: 250, enhancedCode: '2.0.0', text: 'scripted' },
        mxHost: 'mx.test',
      }),
    );
  });

  it('bounces a null-MX domain with 556 5.1.10 without attempting SMTP', async () => {
    const { handler, dispatcher, produced } = setup({
      resolver: { resolve: (d) => Promise.reject(new NullMxError(d)) },
    });
    await handler.handle([record({ messageId: 'm-null' })]);
    expect(dispatcher.calls).toEqual([]);
    expect(produced().map((p) => p.event)).toEqual([
      expect.objectContaining({
        eventId: 'm-null:bounced:1',
        type: events.DeliveryEventType.DELIVERY_EVENT_TYPE_BOUNCED,
        reply: expect.objectContaining({ code: 556, enhancedCode: '5.1.10' }),
        hardBounce: true,
        bounceCategory: events.BounceCategory.BOUNCE_CATEGORY_BAD_DOMAIN,
      }),
    ]);
  });

  it('bounces an unusable recipient address with 553 5.1.3 and delivers the others, one event id each', async () => {
    const { handler, dispatcher, produced } = setup();
    await handler.handle([
      record({
        messageId: 'm-multi',
        envelope: {
          mailFrom: 'b@postline.test',
          rcptTo: ['ok@example.com', 'bad address@example.com'],
        },
      }),
    ]);
    expect(dispatcher.calls.map((c) => c.envelope.rcptTo)).toEqual([['ok@example.com']]);
    const byRecipient = Object.fromEntries(produced().map((p) => [p.event.recipient, p.event]));
    expect(byRecipient['bad address@example.com']).toMatchObject({
      eventId: 'm-multi:bounced:1:1',
      reply: { code: 553, enhancedCode: '5.1.3' },
    });
    expect(byRecipient['ok@example.com']).toMatchObject({ eventId: 'm-multi:delivered:1:0' });
  });

  it('classifies a policy refusal as a soft policy bounce, never a hard one', async () => {
    const dispatcher = new ScriptedDispatcher(() => ({
      outcome: 'bounced',
      code: 554,
      enhancedCode: '5.7.1',
    }));
    const { handler, produced } = setup({ dispatcher });
    await handler.handle([record({})]);
    expect(produced()[0].event).toMatchObject({
      hardBounce: false,
      bounceCategory: events.BounceCategory.BOUNCE_CATEGORY_POLICY,
    });
  });

  it('dead-letters undecodable and contract-breaking records while delivering the rest', async () => {
    const { handler, dispatcher } = setup();
    const results = await handler.handle([
      rawRecord(Buffer.from([0xff, 0xff, 0xff])),
      record({
        routingKey: 'example.com',
        envelope: { mailFrom: '', rcptTo: ['a@elsewhere.test'] },
      }),
      record({ messageId: '' }),
      record({ messageId: 'm-good' }),
    ]);
    expect(results[0]).toBeInstanceOf(PayloadDecodeError);
    expect(results[1]).toBeInstanceOf(PermanentRecordError);
    expect(results[1]?.message).toContain('does not match routing key');
    expect(results[2]).toBeInstanceOf(PermanentRecordError);
    expect(results[3]).toBeUndefined();
    expect(dispatcher.calls).toHaveLength(1);
  });

  it('re-attempts a deferred recipient in process with backoff and reports each attempt', async () => {
    const dispatcher = new ScriptedDispatcher((_r, call) =>
      call === 1
        ? { outcome: 'deferred', code: 451, enhancedCode: '4.4.2' }
        : { outcome: 'delivered', code: 250, enhancedCode: '2.0.0' },
    );
    const { handler, sleeps, produced } = setup({ dispatcher });
    await expect(handler.handle([record({ messageId: 'm-retry' })])).resolves.toEqual([undefined]);
    expect(produced().map((p) => p.event.eventId)).toEqual([
      'm-retry:deferred:1',
      'm-retry:delivered:2',
    ]);
    expect(sleeps).toEqual([1000]);
  });

  it('leaves the batch uncommitted when a recipient is still deferred after the in-process tries', async () => {
    const dispatcher = new ScriptedDispatcher(() => ({
      outcome: 'deferred',
      code: 451,
      enhancedCode: '4.4.1',
    }));
    const { handler, sleeps, produced, registry } = setup({ dispatcher });
    await expect(handler.handle([record({ messageId: 'm-stuck' })])).rejects.toBeInstanceOf(
      DeliveryDeferredError,
    );
    // What did happen is still reported, with ids that repeat when Kafka redelivers the batch.
    expect(produced().map((p) => p.event.eventId)).toEqual([
      'm-stuck:deferred:1',
      'm-stuck:deferred:2',
      'm-stuck:deferred:3',
    ]);
    expect(sleeps).toEqual([1000, 2000]);
    expect(await registry.registry.metrics()).toContain(
      'postline_mta_messages_total{result="deferred"} 3',
    );
  });

  it('treats a temporary DNS failure as a deferral', async () => {
    const { handler, produced } = setup({
      resolver: { resolve: (d) => Promise.reject(new DnsTemporaryError(d, 'ESERVFAIL')) },
      retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
    });
    await expect(handler.handle([record({ messageId: 'm-dns' })])).rejects.toBeInstanceOf(
      DeliveryDeferredError,
    );
    expect(produced()[0].event).toMatchObject({
      type: events.DeliveryEventType.DELIVERY_EVENT_TYPE_DEFERRED,
      reply: { code: 451, enhancedCode: '4.4.3' },
      bounceCategory: events.BounceCategory.BOUNCE_CATEGORY_ROUTING,
      hardBounce: false,
    });
  });

  it('does not commit when the events cannot be produced', async () => {
    const { handler } = setup({ events: { send: () => Promise.reject(new Error('broker down')) } });
    await expect(handler.handle([record({})])).rejects.toThrow('broker down');
  });

  it('keeps other routing keys moving while one key is slow, within the in-flight bound', async () => {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    let inFlight = 0;
    let peak = 0;
    const order: string[] = [];
    const dispatcher: Dispatcher = {
      deliver: async (_hop, envelope) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        const domain = envelope.rcptTo[0].split('@')[1];
        if (domain === 'slow.test') await slow;
        order.push(domain);
        inFlight--;
        if (order.filter((d) => d === 'fast.test').length === 3) release();
        return envelope.rcptTo.map((recipient) => ({
          recipient,
          outcome: 'delivered' as const,
          reply: { code: 250, enhancedCode: '2.0.0', text: '' },
          mxHost: 'mx',
        }));
      },
      close: async () => undefined,
    };
    const { handler } = setup({ dispatcher, maxInflight: 2, perKeyConcurrency: 1 });
    const rec = (key: string, i: number) =>
      record({
        messageId: `${key}-${i}`,
        routingKey: key,
        envelope: { mailFrom: '', rcptTo: [`u${i}@${key}`] },
      });
    await handler.handle([
      rec('slow.test', 1),
      rec('slow.test', 2),
      rec('fast.test', 1),
      rec('fast.test', 2),
      rec('fast.test', 3),
    ]);
    expect(order).toEqual(['fast.test', 'fast.test', 'fast.test', 'slow.test', 'slow.test']);
    expect(peak).toBe(2);
  });
});

describe('OutboundBatchHandler with internationalised addresses', () => {
  it('sends an IDN recipient with its A-label domain and reports it as the record named it', async () => {
    const { handler, dispatcher, produced } = setup();
    await handler.handle([
      record({
        messageId: 'm-idn',
        routingKey: 'xn--bcher-kva.example',
        envelope: { mailFrom: 'news@Bücher.example', rcptTo: ['anna@bücher.example'] },
      }),
    ]);
    expect(dispatcher.calls.map((c) => c.envelope)).toEqual([
      { mailFrom: 'news@xn--bcher-kva.example', rcptTo: ['anna@xn--bcher-kva.example'] },
    ]);
    expect(produced()[0].event).toMatchObject({
      recipient: 'anna@bücher.example',
      eventId: 'm-idn:delivered:1',
    });
  });
});
