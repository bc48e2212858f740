import { PolicyBook, type BackoffPolicy } from '@postline/mta/policy';
import type { BudgetPolicy } from './budget';
import { BudgetRegistry } from './budget-registry';
import { ThrottleError } from './throttle.errors';

const MIN = 60_000;
const BACKOFF: BackoffPolicy = { on: [{ codes: [421] }], messagesPerMinute: 60, forMs: 10 * MIN };

function policy(
  overrides: Partial<BudgetPolicy & { budgetKey: string }> = {},
): BudgetPolicy & { budgetKey: string } {
  return {
    budgetKey: 'example.com',
    maxConnections: 10,
    maxMessagesPerConnection: 100,
    shards: 1,
    ...overrides,
  };
}

/** A registry on a fake clock the test moves by hand. */
function setup() {
  const clock = { now: 0 };
  const registry = new BudgetRegistry({ now: () => clock.now, idleEvictMs: 5 * MIN });
  return { clock, registry };
}

/** Takes from a budget as fast as it allows until `end`, moving the clock; returns how many were taken. */
function drain(
  clock: { now: number },
  take: () => { ok: boolean; retryInMs?: number },
  end: number,
): number {
  let taken = 0;
  while (clock.now < end) {
    const r = take();
    if (r.ok) taken++;
    else clock.now += r.retryInMs!;
  }
  return taken;
}

describe('BudgetRegistry', () => {
  it('creates a budget on first use and returns the same one for the same key', () => {
    const { registry } = setup();
    const a = registry.budgetFor(policy());
    expect(registry.budgetFor(policy())).toBe(a);
    expect(registry.budgetFor(policy({ budgetKey: 'other.test' }))).not.toBe(a);
    expect(registry.size).toBe(2);
  });

  it('gives each shard 1/N of the domain rate', () => {
    const { clock, registry } = setup();
    const shard = registry.budgetFor(
      policy({ budgetKey: 'big.test#0', messagesPerMinute: 1200, shards: 4 }),
    );
    expect(shard.rates()).toEqual({ perMinute: 300, perHour: undefined });
    const taken = drain(clock, () => shard.tryTake(), 5 * MIN);
    expect(taken).toBeGreaterThanOrEqual(1500 * 0.98);
    expect(taken).toBeLessThanOrEqual(1500 * 1.02);
  });

  it('gives each shard 1/N of the connections, and at least one', () => {
    const { registry } = setup();
    const shard = registry.budgetFor(
      policy({ budgetKey: 'big.test#1', maxConnections: 10, shards: 4 }),
    );
    expect([1, 2, 3].map(() => shard.tryAcquireConnection() !== undefined)).toEqual([
      true,
      true,
      false,
    ]);
    const tiny = registry.budgetFor(policy({ budgetKey: 'tiny#3', maxConnections: 2, shards: 8 }));
    expect(tiny.tryAcquireConnection()).toBeDefined();
  });

  it('splits the backoff rate over shards too', () => {
    const { registry } = setup();
    const shard = registry.budgetFor(
      policy({ budgetKey: 'big.test#2', messagesPerMinute: 1200, shards: 4, backoff: BACKOFF }),
    );
    expect(shard.observe({ code: 421, enhancedCode: '4.7.0', text: 'slow down' })).toBe(true);
    expect(shard.rates().perMinute).toBe(15);
  });

  it('counts every refused take as a wait, per budget and in total', () => {
    const { registry } = setup();
    const a = registry.budgetFor(policy({ messagesPerMinute: 1 }));
    const b = registry.budgetFor(policy({ budgetKey: 'b.test', messagesPerMinute: 1 }));
    a.tryTake();
    a.tryTake();
    a.tryTake();
    b.tryTake();
    b.tryTake();
    expect([a.waits, b.waits, registry.waits]).toEqual([2, 1, 3]);
    expect(registry.stats().waits).toBe(3);
  });

  it('slows a budget to the backoff rate on 421 and returns to normal after forMs', () => {
    const { clock, registry } = setup();
    const budget = registry.budgetFor(policy({ messagesPerMinute: 600, backoff: BACKOFF }));
    budget.observe({ code: 421, enhancedCode: '4.3.2', text: 'too busy' });
    expect(budget.state()).toBe('backoff');
    const inBackoff = drain(clock, () => budget.tryTake(), 10 * MIN);
    expect(inBackoff).toBeGreaterThanOrEqual(600 * 0.98);
    expect(inBackoff).toBeLessThanOrEqual(600 * 1.02);
    expect(budget.state()).toBe('normal');
    const recovered = drain(clock, () => budget.tryTake(), 11 * MIN);
    expect(recovered).toBeGreaterThanOrEqual(600 * 0.98);
    expect(registry.stats().inBackoff).toBe(0);
  });

  it('applies a changed policy to the existing budget', () => {
    const { clock, registry } = setup();
    const budget = registry.budgetFor(policy({ messagesPerMinute: 600 }));
    registry.budgetFor(policy({ messagesPerMinute: 60 }));
    expect(budget.rates().perMinute).toBe(60);
    expect(drain(clock, () => budget.tryTake(), MIN)).toBeLessThanOrEqual(62);
  });

  it('evicts budgets idle for idleEvictMs, but not ones with open connections or in backoff', () => {
    const { clock, registry } = setup();
    registry.budgetFor(policy({ budgetKey: 'idle.test', messagesPerMinute: 60 })).tryTake();
    const busy = registry.budgetFor(policy({ budgetKey: 'busy.test' }));
    const lease = busy.tryAcquireConnection()!;
    registry
      .budgetFor(policy({ budgetKey: 'slow.test', backoff: { ...BACKOFF, forMs: 60 * MIN } }))
      .observe({ code: 421, enhancedCode: '4.7.0', text: '' });
    clock.now = 5 * MIN - 1;
    expect(registry.evictIdle()).toEqual([]);
    clock.now = 5 * MIN;
    expect(registry.evictIdle()).toEqual(['idle.test']);
    expect(registry.get('idle.test')).toBeUndefined();
    lease.release();
    expect(registry.evictIdle()).toEqual(['busy.test']);
    expect(registry.stats()).toMatchObject({ budgets: 1, inBackoff: 1, activeConnections: 0 });
  });

  it('refuses a policy with fewer than one shard, and a non-positive idle time', () => {
    const { registry } = setup();
    expect(() => registry.budgetFor(policy({ shards: 0 }))).toThrow(ThrottleError);
    expect(() => new BudgetRegistry({ now: () => 0, idleEvictMs: 0 })).toThrow(/idleEvictMs/);
  });

  it('takes a ResolvedPolicy from the PolicyBook as it is, shared by a provider rollup', () => {
    const { registry } = setup();
    const book = PolicyBook.fromYaml(
      "policies:\n  - { name: google, match: { mxHosts: ['*.google.com'] }, messagesPerMinute: 100 }\n",
      'inline',
    );
    const a = registry.budgetFor(book.forMx('a.example', ['aspmx.l.google.com']));
    const b = registry.budgetFor(book.forMx('b.example', ['alt1.aspmx.l.google.com']));
    expect(a).toBe(b);
    expect(a.key).toBe('policy:google');
  });
});
