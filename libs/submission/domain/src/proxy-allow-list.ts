// Which peers may put a PROXY protocol header in front of an SMTP session: the
// load balancers named by CIDR in POSTLINE_SUBMISSION_PROXY_ALLOWED_CIDRS. A
// listed peer must send the header (its own address is the balancer's, not the
// client's); any other peer must not, since the header would let it choose the
// address that limits, logs and the Received header use.
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export class ProxyAllowListError extends Error {
  readonly code = 'SUBMISSION_PROXY_CIDR_INVALID';
}

export class ProxyAllowList {
  private constructor(
    private readonly list: BlockList,
    readonly size: number,
  ) {}

  /** Comma- or space-separated CIDRs (a bare address is a /32 or /128); empty means PROXY off. */
  static parse(text: string): ProxyAllowList {
    const list = new BlockList();
    const entries = text.split(/[\s,]+/).filter(Boolean);
    for (const entry of entries) addEntry(list, entry);
    return new ProxyAllowList(list, entries.length);
  }

  get enabled(): boolean {
    return this.size > 0;
  }

  /** True when the peer is a listed balancer (IPv4-mapped IPv6 peers match their IPv4 entry). */
  contains(address: string | undefined): boolean {
    if (!address || !this.enabled) return false;
    const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
    if (isIPv4(plain)) return this.list.check(plain, 'ipv4');
    if (isIPv6(plain)) return this.list.check(plain, 'ipv6');
    return false;
  }
}

function addEntry(list: BlockList, entry: string): void {
  const [address, prefixText, extra] = entry.split('/');
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  if (!family || extra !== undefined)
    throw new ProxyAllowListError(`not an IP address or CIDR: "${entry}"`);
  const max = family === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max)
    throw new ProxyAllowListError(`bad prefix length in "${entry}" (0..${max})`);
  list.addSubnet(address, prefix, family);
}
