// Source IP pools (PowerMTA's virtual MTA pools): named sets of our own
// addresses that mail leaves from, so transactional and marketing mail, or
// tenants, keep separate reputations. A message names its pool (campaign or
// submission sets it; a domain policy may override it); each connection binds
// to the next address of that pool in turn.
import { isIP } from 'node:net';

export class SourcePoolError extends Error {
  readonly code = 'MTA_SOURCE_POOLS_INVALID';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'SourcePoolError';
  }
}

export class SourcePools {
  private readonly turn = new Map<string, number>();

  constructor(private readonly pools: ReadonlyMap<string, readonly string[]>) {}

  /** True when pools are configured at all (otherwise the system picks the source address). */
  get enabled(): boolean {
    return this.pools.size > 0;
  }

  names(): string[] {
    return [...this.pools.keys()];
  }

  /**
   * The next source address of `pool`: undefined when no pools are configured, null when pools
   * are configured but this one is not (the caller defers rather than send from the wrong IP).
   */
  next(pool: string): string | undefined | null {
    if (!this.enabled) return undefined;
    const addresses = this.pools.get(pool);
    if (!addresses || addresses.length === 0) return null;
    const i = this.turn.get(pool) ?? 0;
    this.turn.set(pool, (i + 1) % addresses.length);
    return addresses[i];
  }
}

/** Parses `name=ip[,ip...];name=ip` (empty: no pools); throws SourcePoolError naming every bad entry. */
export function parseSourcePools(text: string): SourcePools {
  const pools = new Map<string, string[]>();
  const problems: string[] = [];
  for (const [i, entry] of text
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean)
    .entries()) {
    const eq = entry.indexOf('=');
    const name = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) {
      problems.push(`entry ${i + 1} "${entry}": expected <pool>=<ip>[,<ip>...]`);
      continue;
    }
    if (pools.has(name)) problems.push(`entry ${i + 1}: pool "${name}" is defined twice`);
    const addresses = entry
      .slice(eq + 1)
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    if (addresses.length === 0) problems.push(`entry ${i + 1}: pool "${name}" has no address`);
    for (const a of addresses) {
      if (isIP(a) === 0)
        problems.push(`entry ${i + 1}: "${a}" in pool "${name}" is not an IP address`);
    }
    pools.set(name, addresses);
  }
  if (problems.length > 0) throw new SourcePoolError(problems);
  return new SourcePools(pools);
}
