// Pins the engine end to end with fakes at its edges (dispatcher, resolver,
// Kafka sink) and real parts inside (scheduler, policies, budgets, batcher,
// metrics): what each outcome writes and where, that a record becomes final
// only once its writes are durable, that a stalled destination holds up no
// other, and what an operator's bounce of the queue does.
import { events } from '@postline/contracts';
import type { DeliveryResult, SmtpEnvelope, SmtpReply } from '@postline/mta/dispatch';
import { BUILTIN_DEFAULTS, PolicyBook } from '@postline/mta/policy';
import type { NextHop, Route } from '@postline/mta/routing';
import { BudgetRegistry } from '@postline/mta/throttle';
import { decodePayload, type OutgoingRecord } from '@postline/platform/kafka';
import { createLogger } from '@postline/platform/logging';
import { createMetricsRegistry } from '@postline/platform/metrics';
import { DeliveryEngine, type OutboundItem } from './delivery-engine';
import { createMtaMetrics } from './mta.metrics';
import { checkOutboundMessage } from './outbound-record';
import { ProduceBatcher, type RecordSink } from './produce-batcher';
import { parseRetryTiers } from './retry-tiers';

const MIN = 60_000;
const NOW = new Date('2025-03-01T10:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const later = (ms: number) => new Date(NOW.getTime() + ms);
const RAW = Buffer.from('From: news@postline.test\r\nSubject: hi\r\n\r\nhello\r\n');
const OK: SmtpReply = { code: 250, enhancedCode: '2.0.0', text: 'OK' };
const GREYLISTED: SmtpReply = { code: 451, enhancedCode: '4.7.1', text: 'greylisted' };
const T = events.DeliveryEventType;

/** Collects what arrives and lets a test await the n-th arrival. */
class Collected<T> {
  readonly items: T[] = [];
  private waiters: Array<{ n: number; resolve(): void }> = [];

  push(item: T): void {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (this.items.length < w.n) return true;
      w.resolve();
      return false;
    });
  }

  atLeast(n: number): Promise<void> {
    if (this.items.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}

/** Kafka as the batcher sees it: every send is captured; `hold` keeps them pending until released. */
class CapturingSink implements RecordSink {
  readonly sent = new Collected<{ topic: string; records: OutgoingRecord[] }>();
  hold = false;
  private held: Array<() => void> = [];

  constructor(private readonly log: string[]) {}

  send(topic: string, records: OutgoingRecord[]): Promise<void> {
    this.log.push(`send ${topic}`);
    this.sent.push({ topic, records });
    if (!this.hold) return Promise.resolve();
    return new Promise((resolve) => this.held.push(resolve));
  }

  release(): void {
    this.held.splice(0).forEach((resolve) => resolve());
  }

  /** Every record written to a topic, in order. */
  recordsOf(topic: string): OutgoingRecord[] {
    return this.sent.items.filter((s) => s.topic === topic).flatMap((s) => s.records);
  }

  deliveryEvents(): events.DeliveryEvent[] {
    return this.recordsOf('mail.events.v1').map((r) =>
      decodePayload(events.DeliveryEvent, 'mail.events.v1', r.value),
    );
  }
}

type Deliver = (hop: NextHop, envelope: SmtpEnvelope) => Promise<DeliveryResult[]>;

const answering =
  (outcome: DeliveryResult['outcome'], reply: SmtpReply): Deliver =>
  async (hop, envelope) =>
    envelope.rcptTo.map((recipient) => ({ recipient, outcome, reply, mxHost: hop.host }));

const settle = () => new Promise((r) => setImmediate(r));

function setup(
  opts: {
    deliver?: Deliver;
    maxInflight?: number;
    book?: PolicyBook;
    maxQueuedPerSlowKey?: number;
  } = {},
) {
  const log: string[] = [];
  const sink = new CapturingSink(log);
  const finals = new Collected<OutboundItem>();
  const registry = createMetricsRegistry('mta');
  const dispatcher = { deliver: jest.fn(opts.deliver ?? answering('delivered', OK)) };
  const book = opts.book ?? new PolicyBook(BUILTIN_DEFAULTS, []);
  const engine = new DeliveryEngine({
    maxInflight: opts.maxInflight ?? 4,
    resolver: {
      resolveRoute: async (domain): Promise<Route> => ({
        hops: [{ host: `mx.${domain}`, port: 25, via: 'mx', local: false }],
        mxHosts: [`mx.${domain}`],
      }),
    },
    policies: () => book,
    budgets: new BudgetRegistry({ now: Date.now }),
    dispatcher,
    batcher: new ProduceBatcher(sink, { lingerMs: 1, maxRecords: 1 }),
    tiers: parseRetryTiers('1m,10m,1h'),
    maxQueuedPerSlowKey: opts.maxQueuedPerSlowKey,
    metrics: createMtaMetrics(registry),
    logger: createLogger({ service: 'mta', level: 'silent' }),
    onFinal: (item) => {
      log.push(`final ${item.offset}`);
      finals.push(item);
    },
    now: () => NOW,
  });
  let offset = 0;
  /** Queues one record of mail.outbound, checked as the consumer does; returns its item. */
  function accept(
    routingKey: string,
    rcptTo: string[],
    fields: Partial<events.OutboundMessage> = {},
  ): OutboundItem {
    const n = offset++;
    const message = events.OutboundMessage.fromPartial({
      messageId: `msg-${n}`,
      tenantId: 't1',
      routingKey,
      envelope: { mailFrom: 'news@postline.test', rcptTo },
      rawMime: RAW,
      attempt: 1,
      ...fields,
    });
    const item = {
      checked: checkOutboundMessage(message),
      partition: 0,
      offset: String(n),
      generation: 1,
    };
    engine.accept(item, RAW.length);
    return item;
  }
  return { engine, sink, finals, dispatcher, registry, log, accept };
}

describe('DeliveryEngine', () => {
  it('writes a DELIVERED event to mail.events.v1, then makes the record final', async () => {
    const h = setup();
    const item = h.accept('example.com', ['a@example.com']);
    await h.finals.atLeast(1);
    expect(h.finals.items).toEqual([item]);
    expect(h.log).toEqual(['send mail.events.v1', 'final 0']);
    const records = h.sink.recordsOf('mail.events.v1');
    expect(records.map((r) => r.key)).toEqual(['msg-0']);
    expect(h.sink.deliveryEvents()).toEqual([
      expect.objectContaining({
        eventId: 'msg-0:delivered:1',
        messageId: 'msg-0',
        tenantId: 't1',
        recipient: 'a@example.com',
        type: T.DELIVERY_EVENT_TYPE_DELIVERED,
        attempt: 1,
        occurredAt: NOW,
        mxHost: 'mx.example.com',
        reply: OK,
      }),
    ]);
  });

  it('defers with a DEFERRED event and a retry record on the tier of its delay, keyed by routing key', async () => {
    const h = setup({ deliver: answering('deferred', GREYLISTED) });
    // The second attempt failed: the default schedule waits 10 minutes, the "10m" tier.
    h.accept('example.com#1', ['a@example.com', 'b@example.com'], {
      attempt: 2,
      firstAttemptAt: ago(2 * MIN),
    });
    await h.finals.atLeast(1);
    expect(h.sink.sent.items.map((s) => s.topic).sort()).toEqual([
      'mail.events.v1',
      'mail.retry.v1.10m',
    ]);
    expect(h.log[h.log.length - 1]).toBe('final 0');

    expect(h.sink.deliveryEvents()).toEqual([
      expect.objectContaining({
        recipient: 'a@example.com',
        type: T.DELIVERY_EVENT_TYPE_DEFERRED,
        attempt: 2,
        nextAttemptAt: later(10 * MIN),
      }),
      expect.objectContaining({
        recipient: 'b@example.com',
        type: T.DELIVERY_EVENT_TYPE_DEFERRED,
        nextAttemptAt: later(10 * MIN),
      }),
    ]);
    const [record] = h.sink.recordsOf('mail.retry.v1.10m');
    expect(record.key).toBe('example.com#1');
    const retry = decodePayload(events.OutboundMessage, 'mail.retry.v1.10m', record.value);
    expect(retry).toMatchObject({
      messageId: 'msg-0',
      routingKey: 'example.com#1',
      envelope: { mailFrom: 'news@postline.test', rcptTo: ['a@example.com', 'b@example.com'] },
      attempt: 3,
      firstAttemptAt: ago(2 * MIN),
      notBefore: later(10 * MIN),
    });
    expect(Buffer.from(retry.rawMime).equals(RAW)).toBe(true);
  });

  it('bounces an expired deferral with 5.4.7 and writes no retry record', async () => {
    const h = setup({ deliver: answering('deferred', GREYLISTED) });
    h.accept('example.com', ['a@example.com'], { attempt: 9, firstAttemptAt: ago(3 * 1440 * MIN) });
    await h.finals.atLeast(1);
    expect(h.sink.sent.items.map((s) => s.topic)).toEqual(['mail.events.v1']);
    expect(h.sink.deliveryEvents()).toEqual([
      expect.objectContaining({
        type: T.DELIVERY_EVENT_TYPE_BOUNCED,
        reply: expect.objectContaining({ code: 550, enhancedCode: '5.4.7' }),
        bounceCategory: events.BounceCategory.BOUNCE_CATEGORY_EXPIRED,
        hardBounce: false,
      }),
    ]);
  });

  it('does not make a record final before its writes are durable', async () => {
    const h = setup();
    h.sink.hold = true;
    h.accept('example.com', ['a@example.com']);
    await h.sink.sent.atLeast(1);
    await settle();
    await settle();
    expect(h.finals.items).toHaveLength(0);

    h.sink.release();
    await h.finals.atLeast(1);
    expect(h.log).toEqual(['send mail.events.v1', 'final 0']);
  });

  it('keeps delivering to other domains while one destination never answers', async () => {
    const stalled: Array<() => void> = [];
    const delivered = answering('delivered', OK);
    const h = setup({
      maxInflight: 3,
      deliver: (hop, envelope) =>
        hop.host === 'mx.stalled.test'
          ? new Promise((resolve) => stalled.push(() => resolve(delivered(hop, envelope))))
          : delivered(hop, envelope),
    });
    h.accept('stalled.test', ['a@stalled.test']);
    h.accept('stalled.test', ['b@stalled.test']);
    const fine = [
      h.accept('fine.test', ['a@fine.test']),
      h.accept('fine.test', ['b@fine.test']),
      h.accept('fine.test', ['c@fine.test']),
    ];
    // Two of three slots hang on stalled.test; fine.test's mail goes through the third.
    await h.finals.atLeast(3);
    expect(h.finals.items).toEqual(fine);
    expect(stalled).toHaveLength(2);

    stalled.forEach((answer) => answer());
    await h.engine.scheduler.whenIdle();
    expect(h.finals.items).toHaveLength(5);
  });

  it('bounces the queued mail of a domain with 550 5.0.0 and makes each record final', async () => {
    const h = setup();
    h.engine.destinations.suspend('held.test');
    h.engine.destinations.suspend('kept.test');
    const held = [
      h.accept('held.test', ['a@held.test', 'B@Held.test']),
      h.accept('held.test', ['c@held.test', 'not-an-address']),
    ];
    h.accept('kept.test', ['a@kept.test']);
    await settle();
    expect(h.engine.scheduler.queues.sizeOf('held.test')).toBe(2);

    await expect(h.engine.bounceQueued('held.test')).resolves.toBe(2);
    expect(h.finals.items).toEqual(held);
    const byOperator = { code: 550, enhancedCode: '5.0.0', text: expect.any(String) };
    const bounced = h.sink.deliveryEvents().map((e) => [e.type, e.recipient, e.reply]);
    expect(bounced).toEqual(
      expect.arrayContaining([
        [T.DELIVERY_EVENT_TYPE_BOUNCED, 'a@held.test', byOperator],
        [T.DELIVERY_EVENT_TYPE_BOUNCED, 'B@Held.test', byOperator],
        [T.DELIVERY_EVENT_TYPE_BOUNCED, 'c@held.test', byOperator],
        [T.DELIVERY_EVENT_TYPE_BOUNCED, 'not-an-address', expect.objectContaining({ code: 553 })],
      ]),
    );
    expect(bounced).toHaveLength(4);
    expect(h.dispatcher.deliver).not.toHaveBeenCalled();
    expect(h.engine.scheduler.queues.has('held.test')).toBe(false);
    expect(h.engine.scheduler.queues.sizeOf('kept.test')).toBe(1);
  });

  it('starts no queued delivery once draining, and drains when those in flight are final', async () => {
    const answers = new Collected<() => void>();
    const delivered = answering('delivered', OK);
    const h = setup({
      maxInflight: 1,
      deliver: (hop, envelope) =>
        new Promise((resolve) => answers.push(() => resolve(delivered(hop, envelope)))),
    });
    const first = h.accept('example.com', ['a@example.com']);
    h.accept('example.com', ['b@example.com']);
    await answers.atLeast(1);

    const drained = h.engine.drain();
    answers.items[0]();
    await drained;
    await settle();
    expect(h.finals.items).toEqual([first]);
    // The second record stays queued (uncommitted): the partition's next owner delivers it.
    expect(h.dispatcher.deliver).toHaveBeenCalledTimes(1);
    expect(h.engine.scheduler.queues.sizeOf('example.com')).toBe(1);
  });

  it('counts recipients by result and domain class, never by domain', async () => {
    const h = setup();
    h.accept('example.com', ['a@example.com', 'b@example.com']);
    await h.finals.atLeast(1);
    const text = await h.registry.registry.metrics();
    expect(text).toContain(
      'postline_mta_messages_total{result="delivered",domain_class="other",category=""} 2',
    );
    expect(text).not.toContain('example.com');
  });

  it('parks the overflow of a rate-limited destination in a retry topic instead of queueing it', async () => {
    const book = PolicyBook.fromYaml(
      'policies:\n  - name: slow\n    match: { domains: [slow.test] }\n    messagesPerMinute: 60\n',
      'test',
    );
    const h = setup({ book, maxQueuedPerSlowKey: 3, deliver: () => new Promise(() => undefined) });
    const items = Array.from({ length: 6 }, (_, i) => h.accept('slow.test', [`u${i}@slow.test`]));
    await h.finals.atLeast(1);
    await settle();
    // Three wait in the queue (or in flight); the rest are parked, final, with no attempt made.
    const parked = h.sink
      .recordsOf('mail.retry.v1.1m')
      .map((r) => decodePayload(events.OutboundMessage, 'mail.retry.v1.1m', r.value));
    expect(parked.map((m) => m.messageId)).toEqual(
      h.finals.items.map((i) => i.checked.message.messageId),
    );
    expect(parked.length).toBeGreaterThanOrEqual(2);
    expect(parked.every((m) => m.attempt === 1)).toBe(true);
    // 60/min is one a second: three queued ahead means about three seconds from now.
    expect(parked[0].notBefore!.getTime() - NOW.getTime()).toBeGreaterThanOrEqual(3000);
    expect(h.sink.deliveryEvents()).toEqual([]);
    expect(items).toHaveLength(6);
  });

  it('does not park mail of a destination without a rate limit, however long its queue', async () => {
    const h = setup({
      maxQueuedPerSlowKey: 2,
      maxInflight: 1,
      deliver: () => new Promise(() => undefined),
    });
    for (let i = 0; i < 6; i++) h.accept('fast.test', [`u${i}@fast.test`]);
    await settle();
    await settle();
    expect(h.sink.recordsOf('mail.retry.v1.1m')).toEqual([]);
    expect(h.engine.scheduler.queues.sizeOf('fast.test')).toBeGreaterThanOrEqual(4);
  });
});
