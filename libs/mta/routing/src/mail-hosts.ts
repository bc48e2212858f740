// MX resolution for a recipient domain (RFC 5321 §5.1): MX hosts in preference
// order, random among equal preference so load spreads as the domain intends;
// no MX means the domain itself is the mail host (implicit MX); a null MX
// (RFC 7505) means the domain accepts no mail. DNS is injected so that tests
// never query the network and a caching resolver can slot in later.
import * as dns from 'node:dns/promises';
import {
  DnsTemporaryError,
  NoMailHostError,
  NoSuchDomainError,
  NullMxError,
} from './routing.errors';

export interface MxRecord {
  exchange: string;
  priority: number;
}

export interface DnsLookups {
  resolveMx(domain: string): Promise<MxRecord[]>;
  resolve4(domain: string): Promise<string[]>;
  resolve6(domain: string): Promise<string[]>;
}

/** The system resolver (node:dns/promises, c-ares). */
export const systemDns: DnsLookups = {
  resolveMx: (domain) => dns.resolveMx(domain),
  resolve4: (domain) => dns.resolve4(domain),
  resolve6: (domain) => dns.resolve6(domain),
};

/** A resolver that asks the given servers (`ip` or `ip:port`) instead of the system's, with a per-query timeout. */
export function dnsWithServers(servers: readonly string[], timeoutMs = 5000): DnsLookups {
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries: 2 });
  resolver.setServers([...servers]);
  return {
    resolveMx: (domain) => resolver.resolveMx(domain),
    resolve4: (domain) => resolver.resolve4(domain),
    resolve6: (domain) => resolver.resolve6(domain),
  };
}

export interface MailHosts {
  via: 'mx' | 'implicit-mx';
  /** Host names to try, best first. */
  hosts: string[];
}

/** The name exists but has no records of the asked type. */
const NO_DATA = 'ENODATA';
/** The name does not exist (NXDOMAIN). */
const NOT_FOUND = 'ENOTFOUND';

function dnsCode(e: unknown): string {
  return (e as { code?: string })?.code ?? String(e);
}

function isNullMx(r: MxRecord): boolean {
  // c-ares reports the root "." exchange as an empty string.
  return r.exchange === '' || r.exchange === '.';
}

/** Orders MX records by preference (lowest first), shuffling records of equal preference. */
export function orderMxRecords(
  records: readonly MxRecord[],
  random: () => number = Math.random,
): string[] {
  const keyed = records.map((r) => ({
    host: r.exchange.toLowerCase().replace(/\.$/, ''),
    priority: r.priority,
    tiebreak: random(),
  }));
  keyed.sort((a, b) => a.priority - b.priority || a.tiebreak - b.tiebreak);
  return [...new Set(keyed.map((k) => k.host))];
}

/** Where mail for a canonical domain goes, or a RoutingError saying why it cannot go anywhere. */
export async function resolveMailHosts(
  domain: string,
  lookups: DnsLookups = systemDns,
  random: () => number = Math.random,
): Promise<MailHosts> {
  let records: MxRecord[];
  try {
    records = await lookups.resolveMx(domain);
  } catch (e) {
    const code = dnsCode(e);
    if (code === NOT_FOUND) throw new NoSuchDomainError(domain);
    if (code !== NO_DATA) throw new DnsTemporaryError(domain, `MX lookup: ${code}`);
    records = [];
  }
  if (records.length === 0) return implicitMx(domain, lookups);
  // A null MX next to real ones is a misconfiguration; the real ones still say where mail goes.
  const usable = records.filter((r) => !isNullMx(r));
  if (usable.length === 0) throw new NullMxError(domain);
  return { via: 'mx', hosts: orderMxRecords(usable, random) };
}

/** RFC 5321 §5.1: without MX records the domain's own A/AAAA records receive its mail. */
async function implicitMx(domain: string, lookups: DnsLookups): Promise<MailHosts> {
  const answers = await Promise.allSettled([lookups.resolve4(domain), lookups.resolve6(domain)]);
  if (answers.some((a) => a.status === 'fulfilled' && a.value.length > 0))
    return { via: 'implicit-mx', hosts: [domain] };
  const failures = answers.flatMap((a) => (a.status === 'rejected' ? [dnsCode(a.reason)] : []));
  const temporary = failures.find((code) => code !== NO_DATA && code !== NOT_FOUND);
  if (temporary) throw new DnsTemporaryError(domain, `address lookup: ${temporary}`);
  throw new NoMailHostError(domain);
}
