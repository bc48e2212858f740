// Decides where the MTA connects for a recipient domain: a routing override
// when one matches, otherwise the domain's best MX host on port 25.
import { systemDns, resolveMailHosts, type DnsLookups } from './mail-hosts';
import type { RouteOverrides } from './route-overrides';

export interface NextHop {
  host: string;
  port: number;
  via: 'override' | 'mx' | 'implicit-mx';
  /** A hop inside our own network (override marked /local): STARTTLS certificates are not verified. */
  local: boolean;
}

const SMTP_PORT = 25;

export interface NextHopResolverOptions {
  overrides: RouteOverrides;
  dns?: DnsLookups;
  random?: () => number;
}

export class NextHopResolver {
  private readonly dns: DnsLookups;
  private readonly random: () => number;

  constructor(private readonly opts: NextHopResolverOptions) {
    this.dns = opts.dns ?? systemDns;
    this.random = opts.random ?? Math.random;
  }

  /**
   * The hop for a canonical domain. Throws a RoutingError (NullMxError, ...) when
   * the domain cannot receive mail. Only the best MX is returned for now; trying
   * the next MX on failure belongs to the delivery engine.
   */
  async resolve(domain: string): Promise<NextHop> {
    const override = this.opts.overrides.match(domain);
    if (override)
      return { host: override.host, port: override.port, via: 'override', local: override.local };
    const { via, hosts } = await resolveMailHosts(domain, this.dns, this.random);
    return { host: hosts[0], port: SMTP_PORT, via, local: false };
  }
}
