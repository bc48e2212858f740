import { events } from '@postline/contracts';
import type { DurableProducer, OutgoingRecord } from '@postline/platform/kafka';
import { AcceptTimeoutError, MessageAcceptor, RecordTooLargeError } from './message-acceptor';

const message = {
  queueId: 'q1',
  tenantId: 'default',
  mailFrom: 'app@example.com',
  recipients: ['a@one.test', 'b@two.test', 'c@One.test'],
  rawMime: Buffer.from('Subject: x\r\n\r\nx\r\n'),
  receivedAt: new Date('2026-11-28T13:00:00Z'),
};

function producer(
  send: (topic: string, records: OutgoingRecord[]) => Promise<void>,
): DurableProducer {
  return { send } as unknown as DurableProducer;
}

describe('durable acceptance', () => {
  it('produces one OutboundMessage per routing key, then one QUEUED event per recipient', async () => {
    const sent: Array<[string, OutgoingRecord[]]> = [];
    await new MessageAcceptor(
      producer(async (t, r) => void sent.push([t, r])),
      { timeoutMs: 1000, maxRecordBytes: 1_000_000 },
    ).accept(message);
    expect(sent.map(([t, r]) => [t, r.map((x) => x.key)])).toEqual([
      ['mail.outbound.v1', ['one.test', 'two.test']],
      ['mail.events.v1', expect.any(Array)],
    ]);
    const one = events.OutboundMessage.decode(sent[0][1][0].value);
    expect(one.envelope?.rcptTo).toEqual(['a@one.test', 'c@One.test']);
    expect(one.source).toBe(events.MessageSource.MESSAGE_SOURCE_SUBMISSION);
    const queued = sent[1][1].map((r) => events.DeliveryEvent.decode(r.value));
    expect(queued.map((e) => [e.recipient, e.type])).toEqual([
      ['a@one.test', events.DeliveryEventType.DELIVERY_EVENT_TYPE_QUEUED],
      ['c@One.test', events.DeliveryEventType.DELIVERY_EVENT_TYPE_QUEUED],
      ['b@two.test', events.DeliveryEventType.DELIVERY_EVENT_TYPE_QUEUED],
    ]);
  });

  it('fails with a timeout when Kafka does not acknowledge within the bound', async () => {
    const hung = producer(() => new Promise<void>(() => undefined));
    await expect(
      new MessageAcceptor(hung, { timeoutMs: 50, maxRecordBytes: 1_000_000 }).accept(message),
    ).rejects.toBeInstanceOf(AcceptTimeoutError);
  });

  it('still resolves once the outbound parts are durable even if the events send fails', async () => {
    const p = producer(async (topic) => {
      if (topic === 'mail.events.v1') throw new Error('events down');
    });
    await expect(
      new MessageAcceptor(p, { timeoutMs: 1000, maxRecordBytes: 1_000_000 }).accept(message),
    ).resolves.toBeUndefined();
  });

  it('resolves once the outbound parts are durable without waiting for the QUEUED events', async () => {
    let reportLost: (e: Error) => void = () => undefined;
    const lost = new Promise<Error>((resolve) => (reportLost = resolve));
    let reported = false;
    const p = producer((topic) =>
      topic === 'mail.events.v1' ? new Promise<void>(() => undefined) : Promise.resolve(),
    );
    const acceptor = new MessageAcceptor(p, {
      timeoutMs: 50,
      maxRecordBytes: 1_000_000,
      onEventsLost: (e) => {
        reported = true;
        reportLost(e);
      },
    });
    await expect(acceptor.accept(message)).resolves.toBeUndefined();
    expect(reported).toBe(false);
    // The events send still has its bound, and missing it is reported.
    expect(await lost).toBeInstanceOf(AcceptTimeoutError);
  });

  it('reports a produce that succeeds after the deadline, whose 451 will cause a duplicate', async () => {
    let ack: () => void = () => undefined;
    const slow = producer(() => new Promise<void>((resolve) => (ack = resolve)));
    const late: Array<[string, boolean]> = [];
    const acceptor = new MessageAcceptor(slow, {
      timeoutMs: 20,
      maxRecordBytes: 1_000_000,
      onLateOutcome: (queueId, produced) => late.push([queueId, produced]),
    });
    await expect(acceptor.accept(message)).rejects.toBeInstanceOf(AcceptTimeoutError);
    expect(late).toEqual([]);
    ack();
    await new Promise((r) => setImmediate(r));
    expect(late).toEqual([['q1', true]]);
  });

  it('reports a produce that fails after the deadline as not produced', async () => {
    let fail: (e: Error) => void = () => undefined;
    const slow = producer(() => new Promise<void>((_, reject) => (fail = reject)));
    const late: Array<[string, boolean]> = [];
    const acceptor = new MessageAcceptor(slow, {
      timeoutMs: 20,
      maxRecordBytes: 1_000_000,
      onLateOutcome: (queueId, produced) => late.push([queueId, produced]),
    });
    await expect(acceptor.accept(message)).rejects.toBeInstanceOf(AcceptTimeoutError);
    fail(new Error('broker gone'));
    await new Promise((r) => setImmediate(r));
    expect(late).toEqual([['q1', false]]);
  });

  it('refuses for good a message whose record would pass the queue limit, producing nothing', async () => {
    const sent: string[] = [];
    const acceptor = new MessageAcceptor(
      producer(async (t) => void sent.push(t)),
      { timeoutMs: 1000, maxRecordBytes: 4096 },
    );
    const big = { ...message, rawMime: Buffer.alloc(5000, 0x61) };
    await expect(acceptor.accept(big)).rejects.toBeInstanceOf(RecordTooLargeError);
    expect(sent).toEqual([]);
  });

  it("turns Kafka's own MESSAGE_TOO_LARGE into the permanent refusal", async () => {
    const refusing = producer(async () => {
      throw Object.assign(new Error('too large'), { type: 'MESSAGE_TOO_LARGE' });
    });
    await expect(
      new MessageAcceptor(refusing, { timeoutMs: 1000, maxRecordBytes: 1_000_000 }).accept(message),
    ).rejects.toBeInstanceOf(RecordTooLargeError);
  });
});
