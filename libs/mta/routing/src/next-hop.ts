// Decides where the MTA connects for a recipient domain: a routing override
// when one matches, otherwise the domain's MX hosts on port 25, best first
// (the engine falls through to the next one when a host cannot be reached).
// Answers are cached for a bounded time, failures for a short one, so a
// thousand messages to one domain cost one DNS lookup and a dead domain
// is not asked again for every message.
import { systemDns, resolveMailHosts, type DnsLookups } from './mail-hosts';
import type { RouteOverrides } from './route-overrides';
import { RoutingError } from './routing.errors';

export interface NextHop {
  host: string;
  port: number;
  via: 'override' | 'mx' | 'implicit-mx';
  /** A hop inside our own network (override marked /local): STARTTLS certificates are not verified. */
  local: boolean;
}

/** Every hop for a domain, best first, and the MX host names policies match on (MX rollup). */
export interface Route {
  hops: NextHop[];
  mxHosts: string[];
}

const SMTP_PORT = 25;

export interface NextHopResolverOptions {
  overrides: RouteOverrides;
  dns?: DnsLookups;
  random?: () => number;
  /** How long an answer is reused (node:dns does not expose MX TTLs; default 300 s). */
  cacheTtlMs?: number;
  /** How long a temporary DNS failure is remembered (default 30 s). */
  failureTtlMs?: number;
  now?: () => number;
}

interface CachedRoute {
  expiresAt: number;
  route: Promise<Route>;
}

export class NextHopResolver {
  private readonly dns: DnsLookups;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly cache = new Map<string, CachedRoute>();

  constructor(private readonly opts: NextHopResolverOptions) {
    this.dns = opts.dns ?? systemDns;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
  }

  /** The best hop for a canonical domain; throws a RoutingError (NullMxError, ...) when it cannot receive mail. */
  async resolve(domain: string): Promise<NextHop> {
    return (await this.resolveRoute(domain)).hops[0];
  }

  /** All hops for a canonical domain, best first, from the cache while it is fresh. */
  resolveRoute(domain: string): Promise<Route> {
    const now = this.now();
    const cached = this.cache.get(domain);
    if (cached && cached.expiresAt > now) return cached.route;
    const route = this.lookup(domain);
    const entry: CachedRoute = { expiresAt: now + (this.opts.cacheTtlMs ?? 300_000), route };
    this.cache.set(domain, entry);
    route.catch((e) => {
      // A permanent answer (null MX, no such domain) is as cacheable as a good one; a hiccup is not.
      if (!(e instanceof RoutingError && e.permanent) && this.cache.get(domain) === entry) {
        entry.expiresAt = this.now() + (this.opts.failureTtlMs ?? 30_000);
      }
    });
    if (this.cache.size > 100_000) this.evictExpired(now);
    return route;
  }

  /** Forgets a domain's cached answer (admin reload, tests). */
  forget(domain?: string): void {
    if (domain) this.cache.delete(domain);
    else this.cache.clear();
  }

  private async lookup(domain: string): Promise<Route> {
    const override = this.opts.overrides.match(domain);
    if (override) {
      return {
        hops: [
          { host: override.host, port: override.port, via: 'override', local: override.local },
        ],
        mxHosts: [override.host],
      };
    }
    const { via, hosts } = await resolveMailHosts(domain, this.dns, this.random);
    return {
      hops: hosts.map((host) => ({ host, port: SMTP_PORT, via, local: false })),
      mxHosts: hosts,
    };
  }

  private evictExpired(now: number): void {
    for (const [domain, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(domain);
  }
}
