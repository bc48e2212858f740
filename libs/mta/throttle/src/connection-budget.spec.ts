import { ConnectionBudget, type ConnectionLease } from './connection-budget';
import { ThrottleError } from './throttle.errors';

describe('ConnectionBudget', () => {
  it('grants at most maxConnections leases, and one more after a release', () => {
    const budget = new ConnectionBudget({ maxConnections: 2, maxMessagesPerConnection: 5 });
    const a = budget.tryAcquire();
    const b = budget.tryAcquire();
    expect(a && b).toBeTruthy();
    expect(budget.tryAcquire()).toBeUndefined();
    a!.release();
    expect(budget.tryAcquire()).toBeDefined();
    expect(budget.active).toBe(2);
  });

  it('never exceeds its maximum under interleaved acquire and release', () => {
    const budget = new ConnectionBudget({ maxConnections: 3, maxMessagesPerConnection: 1 });
    const open: ConnectionLease[] = [];
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    let granted = 0;
    for (let step = 0; step < 10_000; step++) {
      if (random() < 0.55) {
        const lease = budget.tryAcquire();
        if (lease) {
          granted++;
          open.push(lease);
        } else {
          expect(open.length).toBe(3);
        }
      } else if (open.length > 0) {
        const lease = open.splice(Math.floor(random() * open.length), 1)[0];
        lease.release();
        if (random() < 0.3) lease.release(); // a second release path must not free a second slot
      }
      expect(budget.active).toBe(open.length);
      expect(budget.active).toBeLessThanOrEqual(3);
    }
    expect(granted).toBeGreaterThan(1_000);
  });

  it('counts messages per connection up to the maximum', () => {
    const budget = new ConnectionBudget({ maxConnections: 1, maxMessagesPerConnection: 3 });
    const lease = budget.tryAcquire()!;
    expect([1, 2, 3, 4].map(() => lease.tryTakeMessage())).toEqual([true, true, true, false]);
    expect(lease.sent).toBe(3);
    expect(lease.remaining).toBe(0);
  });

  it('carries no message on a released lease', () => {
    const budget = new ConnectionBudget({ maxConnections: 1, maxMessagesPerConnection: 3 });
    const lease = budget.tryAcquire()!;
    lease.release();
    expect(lease.released).toBe(true);
    expect(lease.tryTakeMessage()).toBe(false);
  });

  it('grants nothing new after the maximum is lowered until enough connections close', () => {
    const budget = new ConnectionBudget({ maxConnections: 3, maxMessagesPerConnection: 10 });
    const leases = [budget.tryAcquire()!, budget.tryAcquire()!, budget.tryAcquire()!];
    budget.setLimits({ maxConnections: 1, maxMessagesPerConnection: 2 });
    expect(budget.available).toBe(0);
    leases[0].release();
    expect(budget.tryAcquire()).toBeUndefined();
    leases[1].release();
    leases[2].tryTakeMessage();
    leases[2].tryTakeMessage();
    expect(leases[2].tryTakeMessage()).toBe(false);
    leases[2].release();
    expect(budget.tryAcquire()).toBeDefined();
  });

  it('refuses limits below one', () => {
    expect(() => new ConnectionBudget({ maxConnections: 0, maxMessagesPerConnection: 1 })).toThrow(
      ThrottleError,
    );
    expect(
      () => new ConnectionBudget({ maxConnections: 1, maxMessagesPerConnection: 1.5 }),
    ).toThrow(/maxMessagesPerConnection must be a whole number/);
  });
});
