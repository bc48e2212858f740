// Routing overrides (smarthosts): "deliver mail for this domain, or for every
// domain (*), to this host:port instead of its MX". Local and test setups use
// them to send everything to a sink; production uses them for relays.
//
// Syntax: comma-separated `<domain|*>=<host>:<port>[/local]`, e.g.
//   *=127.0.0.1:31025,example.com=10.0.0.5:2525/local
// `/local` marks a hop inside our own network (a sink, a relay in the cluster):
// its STARTTLS certificate is not verified, since such peers rarely have one
// issued by a public CA.
import { isIPv4, isIPv6 } from 'node:net';
import { normalizeDomain } from './mail-domain';

export interface RouteOverride {
  /** A canonical domain, or "*" for every domain without its own entry. */
  pattern: string;
  host: string;
  port: number;
  local: boolean;
}

export class RouteOverrideError extends Error {
  readonly code = 'MTA_ROUTE_OVERRIDE_INVALID';
  constructor(readonly problems: string[]) {
    super(`invalid routing overrides:\n  - ${problems.join('\n  - ')}`);
    this.name = 'RouteOverrideError';
  }
}

/** Overrides in force; an exact domain entry wins over "*". */
export class RouteOverrides {
  private readonly byPattern: ReadonlyMap<string, RouteOverride>;

  constructor(entries: readonly RouteOverride[] = []) {
    this.byPattern = new Map(entries.map((e) => [e.pattern, e]));
  }

  get entries(): RouteOverride[] {
    return [...this.byPattern.values()];
  }

  /** The override for a canonical domain, if any. */
  match(domain: string): RouteOverride | undefined {
    return this.byPattern.get(domain) ?? this.byPattern.get('*');
  }

  /** The same overrides in their configuration syntax, for the boot log. */
  toString(): string {
    return this.entries
      .map((e) => `${e.pattern}=${formatHost(e.host)}:${e.port}${e.local ? '/local' : ''}`)
      .join(',');
  }
}

const ENTRY_SHAPE = '<domain|*>=<host>:<port>[/local]';

/** Parses the override syntax; every bad entry is named in one RouteOverrideError. */
export function parseRouteOverrides(spec: string): RouteOverrides {
  const entries: RouteOverride[] = [];
  const problems: string[] = [];
  // Blank entries (a trailing comma, an empty variable) are not mistakes worth stopping a boot for.
  const items = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  items.forEach((item, i) => {
    const parsed = parseEntry(item);
    if (typeof parsed === 'string') {
      problems.push(`entry ${i + 1} "${item}": ${parsed}`);
    } else if (entries.some((e) => e.pattern === parsed.pattern)) {
      problems.push(
        `entry ${i + 1} "${item}": ${parsed.pattern} is already routed by an earlier entry`,
      );
    } else {
      entries.push(parsed);
    }
  });
  if (problems.length > 0) throw new RouteOverrideError(problems);
  return new RouteOverrides(entries);
}

/** One entry, or the reason it is wrong. */
function parseEntry(item: string): RouteOverride | string {
  const eq = item.indexOf('=');
  if (eq === -1) return `expected ${ENTRY_SHAPE}`;
  const rawPattern = item.slice(0, eq).trim();
  let target = item.slice(eq + 1).trim();
  const pattern = rawPattern === '*' ? '*' : normalizeDomain(rawPattern);
  if (!pattern) return `"${rawPattern}" is neither "*" nor a valid domain`;
  let local = false;
  const slash = target.lastIndexOf('/');
  if (slash !== -1) {
    const flag = target.slice(slash + 1).trim();
    if (flag !== 'local') return `unknown flag "/${flag}" (only "/local" is supported)`;
    local = true;
    target = target.slice(0, slash).trim();
  }
  const hostPort = parseHostPort(target);
  return typeof hostPort === 'string' ? hostPort : { pattern, ...hostPort, local };
}

function parseHostPort(target: string): { host: string; port: number } | string {
  const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(target);
  if (!match) return `"${target}" is not host:port (IPv6 as [addr]:port)`;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return `port ${match[2]} is out of range 1-65535`;
  const rawHost = match[1];
  if (rawHost.startsWith('[')) {
    const v6 = rawHost.slice(1, -1);
    return isIPv6(v6) ? { host: v6, port } : `"${rawHost}" is not an IPv6 address`;
  }
  if (isIPv4(rawHost)) return { host: rawHost, port };
  if (/^[\d.]+$/.test(rawHost)) return `"${rawHost}" is not a valid IPv4 address`;
  const host = normalizeDomain(rawHost);
  return host ? { host, port } : `"${rawHost}" is not a valid host name or IPv4 address`;
}

function formatHost(host: string): string {
  return isIPv6(host) ? `[${host}]` : host;
}
