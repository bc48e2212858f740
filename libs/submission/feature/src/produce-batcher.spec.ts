import type { DurableProducer, OutgoingRecord } from '@postline/platform/kafka';
import { ProduceBatcher, RecordDroppedError } from './produce-batcher';

const rec = (key: string, bytes = 10): OutgoingRecord => ({ key, value: Buffer.alloc(bytes) });

/** A producer whose sends stay open until the test acknowledges or fails them. */
function gatedProducer() {
  const sends: Array<{ keys: string[]; ack(): void; fail(e: Error): void }> = [];
  const producer = {
    send: (_topic: string, records: OutgoingRecord[]) =>
      new Promise<void>((ack, fail) => sends.push({ keys: records.map((r) => r.key), ack, fail })),
  } as unknown as DurableProducer;
  return { producer, sends };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ProduceBatcher', () => {
  it('sends what queued during an in-flight send together in the next send', async () => {
    const { producer, sends } = gatedProducer();
    const b = new ProduceBatcher(producer, 't', 1000, 1000);
    const first = b.enqueue([rec('a')]);
    const second = b.enqueue([rec('b')]);
    const third = b.enqueue([rec('c'), rec('d')]);
    await tick();
    expect(sends.map((s) => s.keys)).toEqual([['a']]);
    sends[0].ack();
    await first.done;
    await tick();
    expect(sends.map((s) => s.keys)).toEqual([['a'], ['b', 'c', 'd']]);
    sends[1].ack();
    await expect(Promise.all([second.done, third.done])).resolves.toBeDefined();
  });

  it('keeps each send within the byte bound, but sends an oversize record alone', async () => {
    const { producer, sends } = gatedProducer();
    const b = new ProduceBatcher(producer, 't', 100, 1000);
    b.enqueue([rec('x', 10)]);
    b.enqueue([rec('a', 60), rec('b', 60), rec('big', 500), rec('c', 10)]);
    await tick();
    for (let i = 0; i < 5; i++) {
      sends[i].ack();
      await tick();
    }
    expect(sends.map((s) => s.keys)).toEqual([['x'], ['a'], ['b'], ['big'], ['c']]);
  });

  it('fails every message of a failed send, and goes on with the next', async () => {
    const { producer, sends } = gatedProducer();
    const b = new ProduceBatcher(producer, 't', 1000, 1000);
    b.enqueue([rec('a')]);
    const failing = b.enqueue([rec('b')]);
    const next = b.enqueue([rec('c')]);
    await tick();
    sends[0].ack();
    await tick();
    sends[1].fail(new Error('broker gone'));
    await expect(failing.done).rejects.toThrow('broker gone');
    await expect(next.done).rejects.toThrow('broker gone');
    b.enqueue([rec('d')]);
    await tick();
    expect(sends.map((s) => s.keys).pop()).toEqual(['d']);
  });

  it('drops an abandoned record that was never sent, and reports the fate of one already sent', async () => {
    const { producer, sends } = gatedProducer();
    const b = new ProduceBatcher(producer, 't', 1000, 1000);
    const inFlight = b.enqueue([rec('a')]);
    const waiting = b.enqueue([rec('b')]);
    await tick();
    expect(waiting.abandon()).toBeUndefined();
    await expect(waiting.done).rejects.toBeInstanceOf(RecordDroppedError);
    const late = inFlight.abandon();
    sends[0].ack();
    await expect(late).resolves.toBe(true);
    await tick();
    expect(sends).toHaveLength(1);
  });
});
