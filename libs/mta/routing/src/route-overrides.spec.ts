import { RouteOverrideError, parseRouteOverrides } from './route-overrides';

function problemsOf(spec: string): string[] {
  try {
    parseRouteOverrides(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(RouteOverrideError);
    return (e as RouteOverrideError).problems;
  }
  throw new Error(`"${spec}" parsed without error`);
}

describe('parseRouteOverrides', () => {
  it('parses a catch-all and a per-domain smarthost', () => {
    const routes = parseRouteOverrides('*=127.0.0.1:31025, Example.COM=10.0.0.5:2525');
    expect(routes.entries).toEqual([
      { pattern: '*', host: '127.0.0.1', port: 31025, local: false },
      { pattern: 'example.com', host: '10.0.0.5', port: 2525, local: false },
    ]);
  });

  it('prefers an exact domain entry over the catch-all', () => {
    const routes = parseRouteOverrides('*=127.0.0.1:31025,example.com=10.0.0.5:2525');
    expect(routes.match('example.com')?.host).toBe('10.0.0.5');
    expect(routes.match('other.test')?.host).toBe('127.0.0.1');
  });

  it('does not match a subdomain with a domain entry', () => {
    expect(
      parseRouteOverrides('example.com=10.0.0.5:2525').match('mail.example.com'),
    ).toBeUndefined();
  });

  it('treats an empty or blank string as no overrides', () => {
    expect(parseRouteOverrides('').entries).toEqual([]);
    expect(parseRouteOverrides(' , ').entries).toEqual([]);
  });

  it('marks an entry /local and accepts host names and IPv6 literals', () => {
    const routes = parseRouteOverrides('a.test=sink.postline.svc:1025/local,b.test=[::1]:2525');
    expect(routes.match('a.test')).toEqual({
      pattern: 'a.test',
      host: 'sink.postline.svc',
      port: 1025,
      local: true,
    });
    expect(routes.match('b.test')).toEqual({
      pattern: 'b.test',
      host: '::1',
      port: 2525,
      local: false,
    });
    expect(routes.toString()).toBe('a.test=sink.postline.svc:1025/local,b.test=[::1]:2525');
  });

  it('names every bad entry in one error', () => {
    const problems = problemsOf(
      'nohost,*=127.0.0.1,bad_domain=1.2.3.4:25,x.test=1.2.3.4:70000,y.test=1.2.3.999:25,z.test=h:25/tls,*=h:26',
    );
    expect(problems).toEqual([
      'entry 1 "nohost": expected <domain|*>=<host>:<port>[/local]',
      'entry 2 "*=127.0.0.1": "127.0.0.1" is not host:port (IPv6 as [addr]:port)',
      'entry 3 "bad_domain=1.2.3.4:25": "bad_domain" is neither "*" nor a valid domain',
      'entry 4 "x.test=1.2.3.4:70000": port 70000 is out of range 1-65535',
      'entry 5 "y.test=1.2.3.999:25": "1.2.3.999" is not a valid IPv4 address',
      'entry 6 "z.test=h:25/tls": unknown flag "/tls" (only "/local" is supported)',
    ]);
  });

  it('rejects a domain routed twice', () => {
    expect(problemsOf('a.test=h:25,A.TEST=h:26')).toEqual([
      'entry 2 "A.TEST=h:26": a.test is already routed by an earlier entry',
    ]);
  });
});
