import { orderMxRecords, type DnsLookups, type MxRecord } from './mail-hosts';
import { NextHopResolver } from './next-hop';
import { parseRouteOverrides, RouteOverrides } from './route-overrides';
import {
  DnsTemporaryError,
  NoMailHostError,
  NoSuchDomainError,
  NullMxError,
  RoutingError,
} from './routing.errors';

function dnsError(code: string): Error {
  return Object.assign(new Error(`query failed ${code}`), { code });
}

/** A scripted resolver: answers from tables, fails with DNS error codes, and records what was asked. */
function fakeDns(zone: {
  mx?: Record<string, MxRecord[] | string>;
  a?: Record<string, string[] | string>;
  aaaa?: Record<string, string[] | string>;
}): DnsLookups & { queries: string[] } {
  const queries: string[] = [];
  const answer = <T>(
    type: string,
    table: Record<string, T | string> | undefined,
    name: string,
  ): Promise<T> => {
    queries.push(`${type} ${name}`);
    const v = table?.[name] ?? 'ENODATA';
    return typeof v === 'string' ? Promise.reject(dnsError(v)) : Promise.resolve(v);
  };
  return {
    queries,
    resolveMx: (d) => answer('MX', zone.mx, d),
    resolve4: (d) => answer('A', zone.a, d),
    resolve6: (d) => answer('AAAA', zone.aaaa, d),
  };
}

const noOverrides = new RouteOverrides();

describe('NextHopResolver', () => {
  it('uses a matching override without any DNS query', async () => {
    const dns = fakeDns({});
    const resolver = new NextHopResolver({
      overrides: parseRouteOverrides('*=127.0.0.1:31025,a.test=10.0.0.5:2525/local'),
      dns,
    });
    await expect(resolver.resolve('a.test')).resolves.toEqual({
      host: '10.0.0.5',
      port: 2525,
      via: 'override',
      local: true,
    });
    await expect(resolver.resolve('b.test')).resolves.toEqual({
      host: '127.0.0.1',
      port: 31025,
      via: 'override',
      local: false,
    });
    expect(dns.queries).toEqual([]);
  });

  it('connects to the most preferred MX on port 25', async () => {
    const dns = fakeDns({
      mx: {
        'a.test': [
          { exchange: 'mx2.a.test', priority: 20 },
          { exchange: 'MX1.a.test', priority: 10 },
        ],
      },
    });
    const hop = await new NextHopResolver({ overrides: noOverrides, dns }).resolve('a.test');
    expect(hop).toEqual({ host: 'mx1.a.test', port: 25, via: 'mx', local: false });
  });

  it('falls back to the domain itself when it has no MX but has an address (implicit MX)', async () => {
    const dns = fakeDns({ mx: { 'a.test': 'ENODATA' }, aaaa: { 'a.test': ['2001:db8::1'] } });
    await expect(
      new NextHopResolver({ overrides: noOverrides, dns }).resolve('a.test'),
    ).resolves.toEqual({ host: 'a.test', port: 25, via: 'implicit-mx', local: false });
  });

  it('bounces a null MX domain with 556 5.1.10 (RFC 7505)', async () => {
    const dns = fakeDns({ mx: { 'a.test': [{ exchange: '', priority: 0 }] } });
    const error = await new NextHopResolver({ overrides: noOverrides, dns })
      .resolve('a.test')
      .catch((e) => e);
    expect(error).toBeInstanceOf(NullMxError);
    expect(error).toMatchObject({ permanent: true, reply: { code: 556, enhancedCode: '5.1.10' } });
    expect(dns.queries).toEqual(['MX a.test']);
  });

  it('ignores a null MX published next to real MX hosts', async () => {
    const dns = fakeDns({
      mx: {
        'a.test': [
          { exchange: '.', priority: 0 },
          { exchange: 'mx.a.test', priority: 10 },
        ],
      },
    });
    await expect(
      new NextHopResolver({ overrides: noOverrides, dns }).resolve('a.test'),
    ).resolves.toMatchObject({ host: 'mx.a.test', via: 'mx' });
  });

  it('fails permanently for a domain that does not exist', async () => {
    const dns = fakeDns({ mx: { 'gone.test': 'ENOTFOUND' } });
    const error = await new NextHopResolver({ overrides: noOverrides, dns })
      .resolve('gone.test')
      .catch((e) => e);
    expect(error).toBeInstanceOf(NoSuchDomainError);
    expect(error).toMatchObject({ permanent: true, reply: { code: 550, enhancedCode: '5.1.2' } });
  });

  it('fails permanently when there is neither MX nor an address record', async () => {
    const dns = fakeDns({});
    const error = await new NextHopResolver({ overrides: noOverrides, dns })
      .resolve('a.test')
      .catch((e) => e);
    expect(error).toBeInstanceOf(NoMailHostError);
    expect(dns.queries.sort()).toEqual(['A a.test', 'AAAA a.test', 'MX a.test']);
  });

  it('treats a DNS server failure as temporary, for MX and for the implicit-MX lookup', async () => {
    for (const zone of [{ mx: { 'a.test': 'ESERVFAIL' } }, { a: { 'a.test': 'ETIMEOUT' } }]) {
      const error: RoutingError = await new NextHopResolver({
        overrides: noOverrides,
        dns: fakeDns(zone),
      })
        .resolve('a.test')
        .catch((e) => e);
      expect(error).toBeInstanceOf(DnsTemporaryError);
      expect(error).toMatchObject({
        permanent: false,
        reply: { code: 451, enhancedCode: '4.4.3' },
      });
    }
  });
});

describe('orderMxRecords', () => {
  const records: MxRecord[] = [
    { exchange: 'c.test', priority: 20 },
    { exchange: 'a.test', priority: 10 },
    { exchange: 'b.test', priority: 10 },
  ];

  it('sorts by preference and picks among equal preference at random', () => {
    const rolls = (values: number[]) => {
      let i = 0;
      return () => values[i++ % values.length];
    };
    // The tiebreak draws are consumed in record order: c, a, b.
    expect(orderMxRecords(records, rolls([0.5, 0.1, 0.9]))).toEqual(['a.test', 'b.test', 'c.test']);
    expect(orderMxRecords(records, rolls([0.5, 0.9, 0.1]))).toEqual(['b.test', 'a.test', 'c.test']);
  });

  it('lists a host once even if published twice', () => {
    expect(orderMxRecords([...records, { exchange: 'A.test.', priority: 30 }], () => 0)).toEqual([
      'a.test',
      'b.test',
      'c.test',
    ]);
  });

  describe('route cache', () => {
    it('lists every MX host best first and asks DNS once while the answer is fresh', async () => {
      let now = 0;
      const dns = fakeDns({
        mx: {
          'cached.test': [
            { exchange: 'mx2.cached.test', priority: 20 },
            { exchange: 'mx1.cached.test', priority: 10 },
          ],
        },
      });
      const resolver = new NextHopResolver({
        overrides: noOverrides,
        dns,
        cacheTtlMs: 1000,
        now: () => now,
      });
      const route = await resolver.resolveRoute('cached.test');
      expect(route.hops.map((h) => h.host)).toEqual(['mx1.cached.test', 'mx2.cached.test']);
      expect(route.mxHosts).toEqual(['mx1.cached.test', 'mx2.cached.test']);
      await resolver.resolveRoute('cached.test');
      expect(dns.queries).toEqual(['MX cached.test']);
      now = 1001;
      await resolver.resolveRoute('cached.test');
      expect(dns.queries).toEqual(['MX cached.test', 'MX cached.test']);
    });

    it('remembers a temporary DNS failure only briefly and a null MX as long as an answer', async () => {
      let now = 0;
      const dns = fakeDns({
        mx: { 'flaky.test': 'ESERVFAIL', 'nomail.test': [{ exchange: '', priority: 0 }] },
      });
      const resolver = new NextHopResolver({
        overrides: noOverrides,
        dns,
        cacheTtlMs: 60_000,
        failureTtlMs: 100,
        now: () => now,
      });
      await expect(resolver.resolveRoute('flaky.test')).rejects.toBeInstanceOf(DnsTemporaryError);
      await expect(resolver.resolveRoute('nomail.test')).rejects.toBeInstanceOf(NullMxError);
      now = 50;
      await expect(resolver.resolveRoute('flaky.test')).rejects.toBeInstanceOf(DnsTemporaryError);
      expect(dns.queries.filter((q) => q === 'MX flaky.test')).toHaveLength(1);
      now = 200;
      await expect(resolver.resolveRoute('flaky.test')).rejects.toBeInstanceOf(DnsTemporaryError);
      await expect(resolver.resolveRoute('nomail.test')).rejects.toBeInstanceOf(NullMxError);
      expect(dns.queries.filter((q) => q === 'MX flaky.test')).toHaveLength(2);
      expect(dns.queries.filter((q) => q === 'MX nomail.test')).toHaveLength(1);
    });
  });
});
