// Pins the gate the queue manager asks before it starts one more message for a
// routing key: route first, then suspension, connections and rate from the
// policy's budget — with a real PolicyBook and BudgetRegistry and a resolver
// the test answers by hand.
import { BUILTIN_DEFAULTS, PolicyBook, type DomainPolicy } from '@postline/mta/policy';
import {
  DnsTemporaryError,
  NoSuchDomainError,
  type NextHopResolver,
  type Route,
} from '@postline/mta/routing';
import { BudgetRegistry } from '@postline/mta/throttle';
import { Destinations } from './destinations';

const POLICIES: DomainPolicy[] = [
  { name: 'slow', match: { domains: ['slow.test'] }, maxConnections: 2 },
  { name: 'rated', match: { domains: ['rated.test'] }, messagesPerMinute: 1 },
  { name: 'bigmail', match: { mxHosts: ['*.mx.bigmail.test'] }, maxConnections: 1 },
];

function routeVia(...mxHosts: string[]): Route {
  return {
    hops: mxHosts.map((host) => ({ host, port: 25, via: 'mx' as const, local: false })),
    mxHosts,
  };
}

/** A resolver whose lookups stay pending until the test answers them. */
class HandResolver implements Pick<NextHopResolver, 'resolveRoute'> {
  readonly lookups: Array<{ domain: string; answer(r: Route): void; fail(e: unknown): void }> = [];

  resolveRoute(domain: string): Promise<Route> {
    return new Promise((answer, fail) => this.lookups.push({ domain, answer, fail }));
  }

  /** The latest pending lookup for a domain. */
  of(domain: string) {
    const lookup = this.lookups.filter((l) => l.domain === domain).pop();
    if (!lookup) throw new Error(`no lookup of ${domain}`);
    return lookup;
  }
}

const settle = () => new Promise((r) => setImmediate(r));

function setup() {
  const clock = { now: 1_000_000 };
  const resolver = new HandResolver();
  const budgets = new BudgetRegistry({ now: () => clock.now });
  const onReady = jest.fn<void, [string]>();
  const book = new PolicyBook(BUILTIN_DEFAULTS, POLICIES);
  const destinations = new Destinations({
    resolver,
    policies: () => book,
    budgets,
    onReady,
    refreshMs: 60_000,
    now: () => clock.now,
  });
  /** Registers a key and answers its route, as the engine's first gate call would start. */
  async function routed(key: string, route: Route = routeVia(`mx.${key}`)) {
    const domain = key.split('#')[0];
    destinations.get(key, domain);
    expect(destinations.gate(key)).toEqual({ ok: false });
    resolver.of(domain).answer(route);
    await settle();
  }
  return { clock, resolver, budgets, onReady, destinations, routed };
}

describe('Destinations.gate', () => {
  it('starts route resolution on the first call and holds the key until the route is known', async () => {
    const { destinations, resolver, onReady } = setup();
    destinations.get('example.com', 'example.com');
    expect(destinations.gate('example.com')).toEqual({ ok: false });
    expect(destinations.gate('example.com')).toEqual({ ok: false });
    expect(resolver.lookups.map((l) => l.domain)).toEqual(['example.com']);
    expect(onReady).not.toHaveBeenCalled();

    resolver.of('example.com').answer(routeVia('mx.example.com'));
    await settle();
    expect(onReady).toHaveBeenCalledWith('example.com');
    expect(destinations.find('example.com')?.route).toEqual(routeVia('mx.example.com'));
    expect(destinations.gate('example.com')).toEqual({ ok: true });
  });

  it('resolves the domain of a sharded routing key', async () => {
    const { destinations, resolver, onReady } = setup();
    destinations.get('example.com#3', 'example.com');
    destinations.gate('example.com#3');
    expect(resolver.lookups.map((l) => l.domain)).toEqual(['example.com']);
    resolver.of('example.com').answer(routeVia('mx.example.com'));
    await settle();
    expect(onReady).toHaveBeenCalledWith('example.com#3');
  });

  it('grants connection leases up to the policy maxConnections, then waits for capacity', async () => {
    const { destinations, routed } = setup();
    await routed('slow.test');
    expect(destinations.gate('slow.test')).toEqual({ ok: true });
    expect(destinations.gate('slow.test')).toEqual({ ok: true });
    // No retryInMs: the key waits for a delivery to end, not for a timer.
    expect(destinations.gate('slow.test')).toEqual({ ok: false });
    const d = destinations.find('slow.test')!;
    expect(d.leases).toHaveLength(2);

    d.leases.shift()!.release();
    expect(destinations.gate('slow.test')).toEqual({ ok: true });
  });

  it('says how long to wait when the policy rate is spent, holding no connection meanwhile', async () => {
    const { destinations, budgets, routed } = setup();
    await routed('rated.test');
    expect(destinations.gate('rated.test')).toEqual({ ok: true });
    const verdict = destinations.gate('rated.test');
    expect(verdict).toMatchObject({ ok: false });
    expect(verdict.ok === false && verdict.retryInMs).toBeGreaterThan(0);
    // Only the first message holds a connection slot; the refused one gave its slot back.
    expect(destinations.find('rated.test')!.leases).toHaveLength(1);
    expect(budgets.get('rated.test')!.activeConnections).toBe(1);
  });

  it('lets the rated key send again once the wait has passed', async () => {
    const { destinations, clock, routed } = setup();
    await routed('rated.test');
    destinations.gate('rated.test');
    const verdict = destinations.gate('rated.test');
    clock.now += verdict.ok ? 0 : verdict.retryInMs!;
    expect(destinations.gate('rated.test')).toEqual({ ok: true });
  });

  it.each([
    ['its domain', 'slow.test'],
    ['its routing key', 'slow.test#1'],
    ['its policy', 'policy:slow'],
  ])('says suspended when %s is suspended, and sends again on resume', async (_, target) => {
    const { destinations, routed } = setup();
    await routed('slow.test#1', routeVia('mx.slow.test'));
    destinations.suspend(target);
    expect(destinations.gate('slow.test#1')).toEqual({ ok: false, suspended: true });
    expect(destinations.isSuspended(destinations.find('slow.test#1')!)).toBe(true);
    expect(destinations.suspendedTargets()).toEqual([target]);
    expect(destinations.resume(target)).toBe(true);
    expect(destinations.gate('slow.test#1')).toEqual({ ok: true });
  });

  it('does not suspend a key for another domain or policy', async () => {
    const { destinations, routed } = setup();
    await routed('slow.test');
    destinations.suspend('other.test');
    destinations.suspend('policy:rated');
    expect(destinations.gate('slow.test')).toEqual({ ok: true });
  });

  it('lets mail through without budget when the domain cannot receive mail, so it bounces', async () => {
    const { destinations, resolver, budgets, onReady } = setup();
    destinations.get('slow.test', 'slow.test');
    destinations.gate('slow.test');
    resolver.of('slow.test').fail(new NoSuchDomainError('slow.test'));
    await settle();
    expect(onReady).toHaveBeenCalledWith('slow.test');
    const d = destinations.find('slow.test')!;
    expect(d.routeError).toMatchObject({ permanent: true, code: 'NO_SUCH_DOMAIN' });
    // More than the policy's two connections, and no budget is touched.
    for (let i = 0; i < 5; i++) expect(destinations.gate('slow.test')).toEqual({ ok: true });
    expect(d.leases).toHaveLength(0);
    expect(budgets.size).toBe(0);
  });

  it('keeps a working route through a temporary DNS failure when it looks again', async () => {
    const { destinations, resolver, clock, routed } = setup();
    await routed('example.com');
    clock.now += 60_000;
    expect(destinations.gate('example.com')).toEqual({ ok: true });
    expect(resolver.lookups).toHaveLength(2);
    resolver.of('example.com').fail(new DnsTemporaryError('example.com', 'SERVFAIL'));
    await settle();
    const d = destinations.find('example.com')!;
    expect(d.route).toEqual(routeVia('mx.example.com'));
    expect(d.routeError).toBeUndefined();
  });

  it('replaces a working route when a later lookup says the domain is gone', async () => {
    const { destinations, resolver, clock, routed } = setup();
    await routed('example.com');
    clock.now += 60_000;
    destinations.gate('example.com');
    resolver.of('example.com').fail(new NoSuchDomainError('example.com'));
    await settle();
    const d = destinations.find('example.com')!;
    expect(d.route).toBeUndefined();
    expect(d.routeError?.permanent).toBe(true);
  });

  it('makes domains whose MX hosts match a provider policy share its budget', async () => {
    const { destinations, budgets, routed } = setup();
    await routed('a.test', routeVia('in1.mx.bigmail.test'));
    await routed('b.test', routeVia('in2.mx.bigmail.test'));
    for (const key of ['a.test', 'b.test']) {
      expect(destinations.find(key)!.policy).toMatchObject({
        name: 'bigmail',
        matchedBy: 'mx',
        budgetKey: 'policy:bigmail',
      });
    }
    // bigmail allows one connection in all: a.test takes it, b.test must wait for it.
    expect(destinations.gate('a.test')).toEqual({ ok: true });
    expect(destinations.gate('b.test')).toEqual({ ok: false });
    expect(budgets.size).toBe(1);

    destinations.find('a.test')!.leases.shift()!.release();
    expect(destinations.gate('b.test')).toEqual({ ok: true });
  });

  it('gives a domain without policy a budget of its own', async () => {
    const { destinations, routed } = setup();
    await routed('a.test');
    await routed('b.test');
    expect(destinations.find('a.test')!.policy.budgetKey).toBe('a.test');
    expect(destinations.find('b.test')!.policy.budgetKey).toBe('b.test');
  });
});

describe('Destinations.domainClass', () => {
  it('is the policy name for a domain governed by a policy, else "other"', async () => {
    const { destinations, routed } = setup();
    await routed('slow.test');
    await routed('a.test', routeVia('in1.mx.bigmail.test'));
    await routed('unknown.test');
    const cls = (key: string) => destinations.domainClass(destinations.find(key)!);
    expect(cls('slow.test')).toBe('slow');
    expect(cls('a.test')).toBe('bigmail');
    expect(cls('unknown.test')).toBe('other');
  });
});
