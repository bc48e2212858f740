// Pins how the batcher coalesces the engine's small writes into few sends and,
// above all, when each caller's promise settles: only once its own records
// are durable, and rejected exactly when a send that carried them failed.
import type { OutgoingRecord } from '@postline/platform/kafka';
import { ProduceBatcher, type RecordSink } from './produce-batcher';

interface Send {
  topic: string;
  keys: string[];
  succeed(): void;
  fail(e: Error): void;
}

/** A sink whose sends stay pending until the test settles them by hand. */
class HandSink implements RecordSink {
  readonly sends: Send[] = [];

  send(topic: string, records: OutgoingRecord[]): Promise<void> {
    return new Promise<void>((resolve, reject) =>
      this.sends.push({ topic, keys: records.map((r) => r.key), succeed: resolve, fail: reject }),
    );
  }

  to(topic: string): Send {
    const send = this.sends.find((s) => s.topic === topic);
    if (!send) throw new Error(`no send to ${topic}`);
    return send;
  }
}

/** Records that say who wrote them, so a send's content shows which callers it carries. */
const records = (...keys: string[]): OutgoingRecord[] =>
  keys.map((key) => ({ key, value: Buffer.from(key) }));

/** Follows a promise's state without awaiting it. */
function track(promise: Promise<void>) {
  const state = {
    settled: 'pending' as 'pending' | 'resolved' | 'rejected',
    error: undefined as unknown,
  };
  promise.then(
    () => (state.settled = 'resolved'),
    (e) => {
      state.settled = 'rejected';
      state.error = e;
    },
  );
  return state;
}

const settle = () => new Promise((r) => setImmediate(r));

describe('ProduceBatcher', () => {
  afterEach(() => jest.useRealTimers());

  it('coalesces the writes of one linger into one send per topic', async () => {
    jest.useFakeTimers();
    const sink = new HandSink();
    const batcher = new ProduceBatcher(sink, { lingerMs: 5, maxRecords: 100 });
    void batcher.write([
      { topic: 'events', records: records('a1', 'a2') },
      { topic: 'retry', records: records('a3') },
    ]);
    void batcher.write([{ topic: 'events', records: records('b1') }]);
    jest.advanceTimersByTime(4);
    expect(sink.sends).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(sink.sends.map((s) => [s.topic, s.keys])).toEqual([
      ['events', ['a1', 'a2', 'b1']],
      ['retry', ['a3']],
    ]);
  });

  it('sends at once when maxRecords are pending, without waiting for the linger', () => {
    jest.useFakeTimers();
    const sink = new HandSink();
    const batcher = new ProduceBatcher(sink, { lingerMs: 60_000, maxRecords: 3 });
    void batcher.write([{ topic: 'events', records: records('a1', 'a2') }]);
    expect(sink.sends).toHaveLength(0);
    void batcher.write([{ topic: 'events', records: records('b1') }]);
    expect(sink.sends.map((s) => s.keys)).toEqual([['a1', 'a2', 'b1']]);
    // The linger timer went with that send: nothing more goes out later.
    jest.advanceTimersByTime(60_000);
    expect(sink.sends).toHaveLength(1);
  });

  it('starts a fresh linger for writes after a send', () => {
    jest.useFakeTimers();
    const sink = new HandSink();
    const batcher = new ProduceBatcher(sink, { lingerMs: 5, maxRecords: 100 });
    void batcher.write([{ topic: 'events', records: records('a1') }]);
    jest.advanceTimersByTime(5);
    void batcher.write([{ topic: 'events', records: records('b1') }]);
    jest.advanceTimersByTime(5);
    expect(sink.sends.map((s) => s.keys)).toEqual([['a1'], ['b1']]);
  });

  it('resolves each caller only once every send carrying its records succeeded', async () => {
    const sink = new HandSink();
    const batcher = new ProduceBatcher(sink, { lingerMs: 60_000, maxRecords: 100 });
    const a = track(
      batcher.write([
        { topic: 'events', records: records('a1') },
        { topic: 'retry', records: records('a2') },
      ]),
    );
    const b = track(batcher.write([{ topic: 'events', records: records('b1') }]));
    batcher.flush();
    await settle();
    expect([a.settled, b.settled]).toEqual(['pending', 'pending']);

    sink.to('events').succeed();
    await settle();
    expect([a.settled, b.settled]).toEqual(['pending', 'resolved']);

    sink.to('retry').succeed();
    await settle();
    expect(a.settled).toBe('resolved');
  });

  it('rejects exactly the callers whose records were in a failed send', async () => {
    const sink = new HandSink();
    const batcher = new ProduceBatcher(sink, { lingerMs: 60_000, maxRecords: 100 });
    const eventsOnly = track(batcher.write([{ topic: 'events', records: records('a1') }]));
    const retryOnly = track(batcher.write([{ topic: 'retry', records: records('b1') }]));
    const both = track(
      batcher.write([
        { topic: 'events', records: records('c1') },
        { topic: 'retry', records: records('c2') },
      ]),
    );
    batcher.flush();
    const down = new Error('broker unavailable');
    sink.to('retry').fail(down);
    sink.to('events').succeed();
    await settle();
    expect(eventsOnly.settled).toBe('resolved');
    expect(retryOnly).toEqual({ settled: 'rejected', error: down });
    expect(both).toEqual({ settled: 'rejected', error: down });
  });

  it('fails only the callers of the batch whose send failed, not those of a later batch', async () => {
    const sink = new HandSink();
    const batcher = new ProduceBatcher(sink, { lingerMs: 60_000, maxRecords: 100 });
    const first = track(batcher.write([{ topic: 'events', records: records('a1') }]));
    batcher.flush();
    const second = track(batcher.write([{ topic: 'events', records: records('b1') }]));
    batcher.flush();
    sink.sends[0].fail(new Error('timeout'));
    sink.sends[1].succeed();
    await settle();
    expect([first.settled, second.settled]).toEqual(['rejected', 'resolved']);
  });

  it('resolves an empty write at once without sending anything', async () => {
    jest.useFakeTimers();
    const sink = new HandSink();
    const batcher = new ProduceBatcher(sink, { lingerMs: 5, maxRecords: 100 });
    await expect(batcher.write([])).resolves.toBeUndefined();
    await expect(
      batcher.write([
        { topic: 'events', records: [] },
        { topic: 'retry', records: [] },
      ]),
    ).resolves.toBeUndefined();
    jest.advanceTimersByTime(5);
    expect(sink.sends).toHaveLength(0);
  });
});
