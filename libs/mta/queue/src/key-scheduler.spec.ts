import { KeyScheduler, type GateVerdict } from './key-scheduler';

interface Pending {
  key: string;
  item: number;
  finish(): void;
}

function harness(maxInflight: number, gate: (key: string) => GateVerdict = () => ({ ok: true })) {
  const started: Pending[] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const scheduler = new KeyScheduler<number>({
    maxInflight,
    gate,
    start: (entry) =>
      new Promise<void>((resolve) =>
        started.push({ key: entry.key, item: entry.item, finish: resolve }),
      ),
    setTimer: (fn, ms) => {
      timers.push({ fn, ms });
      return {};
    },
  });
  const add = (key: string, item: number, partition = 0) =>
    scheduler.enqueue({ key, partition, bytes: 100, item });
  const settle = () => new Promise((r) => setImmediate(r));
  return { scheduler, started, timers, add, settle };
}

describe('KeyScheduler', () => {
  it('takes keys in turn so a big queue does not starve a small one', async () => {
    const h = harness(1);
    for (let i = 0; i < 5; i++) h.add('big.test', i);
    h.add('small.test', 100);
    for (let n = 0; n < 3; n++) {
      await h.settle();
      h.started[n].finish();
    }
    await h.settle();
    // big.test was first in line and keeps its turn once; then small.test, then big.test again.
    expect(h.started.map((s) => s.key)).toEqual(['big.test', 'big.test', 'small.test', 'big.test']);
  });

  it('never has more than maxInflight deliveries running', async () => {
    const h = harness(2);
    for (let i = 0; i < 6; i++) h.add(`d${i}.test`, i);
    await h.settle();
    expect(h.started).toHaveLength(2);
    expect(h.scheduler.inflight).toBe(2);
    h.started[0].finish();
    await h.settle();
    expect(h.started).toHaveLength(3);
  });

  it('lets other domains send while one domain has no connection free', async () => {
    const h = harness(10, (key) =>
      key === 'stalled.test' && h.scheduler.inflightOf('stalled.test') >= 1
        ? { ok: false }
        : { ok: true },
    );
    for (let i = 0; i < 3; i++) h.add('stalled.test', i);
    for (let i = 0; i < 3; i++) h.add('fast.test', 10 + i);
    await h.settle();
    expect(h.started.filter((s) => s.key === 'stalled.test')).toHaveLength(1);
    expect(h.started.filter((s) => s.key === 'fast.test')).toHaveLength(3);
    // The stalled domain's next message starts only once its connection frees.
    h.started.find((s) => s.key === 'stalled.test')!.finish();
    await h.settle();
    expect(h.started.filter((s) => s.key === 'stalled.test')).toHaveLength(2);
  });

  it('retries a rate-limited key when its timer fires, not before', async () => {
    let allowed = false;
    const h = harness(5, (key) =>
      key === 'slow.test' && !allowed ? { ok: false, retryInMs: 250 } : { ok: true },
    );
    h.add('slow.test', 1);
    h.add('other.test', 2);
    await h.settle();
    expect(h.started.map((s) => s.key)).toEqual(['other.test']);
    expect(h.timers).toEqual([expect.objectContaining({ ms: 250 })]);
    allowed = true;
    h.timers[0].fn();
    await h.settle();
    expect(h.started.map((s) => s.key)).toEqual(['other.test', 'slow.test']);
  });

  it('holds a suspended key until it is woken', async () => {
    let suspended = true;
    const h = harness(5, () => (suspended ? { ok: false, suspended: true } : { ok: true }));
    h.add('paused.test', 1);
    await h.settle();
    expect(h.started).toHaveLength(0);
    h.add('paused.test', 2);
    await h.settle();
    expect(h.started).toHaveLength(0);
    suspended = false;
    h.scheduler.wake('paused.test');
    await h.settle();
    expect(h.started.map((s) => s.item)).toEqual([1, 2]);
  });

  it('wakes keys that share a budget when any delivery ends', async () => {
    // Two domains behind one MX share a single connection.
    const h = harness(5, () => (h.scheduler.inflight >= 1 ? { ok: false } : { ok: true }));
    h.add('a.test', 1);
    h.add('b.test', 2);
    await h.settle();
    expect(h.started.map((s) => s.key)).toEqual(['a.test']);
    h.started[0].finish();
    await h.settle();
    expect(h.started.map((s) => s.key)).toEqual(['a.test', 'b.test']);
  });

  it('counts a delivery whose start throws as finished', async () => {
    const scheduler = new KeyScheduler<number>({
      maxInflight: 1,
      gate: () => ({ ok: true }),
      start: () => {
        throw new Error('boom');
      },
    });
    scheduler.enqueue({ key: 'x.test', partition: 0, bytes: 1, item: 1 });
    await scheduler.whenIdle();
    expect(scheduler.inflight).toBe(0);
  });

  it('accounts queued bytes per partition and drops a revoked partition', () => {
    const h = harness(0);
    h.add('a.test', 1, 0);
    h.add('a.test', 2, 1);
    h.add('b.test', 3, 1);
    expect(h.scheduler.queues.bytesOf(1)).toBe(200);
    const dropped = h.scheduler.queues.dropPartitions(new Set([1]));
    expect(dropped.map((e) => e.item).sort()).toEqual([2, 3]);
    expect(h.scheduler.queues.bytesOf(1)).toBe(0);
    expect(h.scheduler.queues.size).toBe(1);
    expect(h.scheduler.queues.has('b.test')).toBe(false);
  });
});
