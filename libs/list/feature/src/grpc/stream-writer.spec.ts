import { EventEmitter } from 'node:events';
import { writeWithBackpressure, type WritableCall } from './stream-writer';

/** A call whose buffer holds `capacity` messages until drain() is called. */
class FakeCall extends EventEmitter implements WritableCall<number> {
  cancelled = false;
  readonly written: number[] = [];
  constructor(private readonly capacity: number) {
    super();
  }
  write(message: number): boolean {
    this.written.push(message);
    return this.written.length % this.capacity !== 0;
  }
  cancel(): void {
    this.cancelled = true;
    this.emit('cancelled', 'cancelled');
  }
}

describe('writeWithBackpressure', () => {
  it('returns at once while the buffer has room', async () => {
    const call = new FakeCall(10);
    await expect(writeWithBackpressure(call, 1)).resolves.toBe(true);
    expect(call.listenerCount('drain')).toBe(0);
  });

  it('waits for drain when write() reports a full buffer, and cleans up its listeners', async () => {
    const call = new FakeCall(2);
    await writeWithBackpressure(call, 1);
    let settled = false;
    const events: string[] = [];
    const observer = {
      waiting: () => events.push('waiting'),
      resumed: () => events.push('resumed'),
    };
    const second = writeWithBackpressure(call, 2, observer).then((v) => {
      settled = true;
      return v;
    });
    await new Promise(setImmediate);
    expect(settled).toBe(false);
    expect(events).toEqual(['waiting']);
    call.emit('drain');
    await expect(second).resolves.toBe(true);
    expect(events).toEqual(['waiting', 'resumed']);
    expect(call.listenerCount('drain') + call.listenerCount('cancelled')).toBe(0);
  });

  it('stops waiting and reports false when the call is cancelled', async () => {
    const call = new FakeCall(1);
    const pending = writeWithBackpressure(call, 1);
    call.cancel();
    await expect(pending).resolves.toBe(false);
    await expect(writeWithBackpressure(call, 2)).resolves.toBe(false);
    expect(call.written).toEqual([1]);
  });
});
