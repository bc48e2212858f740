// A set of networks named by CIDR, read from a comma- or space-separated
// setting, that a peer's address is checked against: the load balancers that
// must send a PROXY header, and the trusted networks whose clients may submit
// without AUTH. IPv4-mapped IPv6 peers (a dual-stack listener) match their
// IPv4 entry; anything that is not an IP address matches nothing.
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Verdicts remembered per peer address (a session asks more than once; BlockList checks allocate). */
const MAX_REMEMBERED = 1024;

export class CidrList {
  private readonly verdicts = new Map<string, boolean>();

  protected constructor(
    private readonly list: BlockList,
    readonly size: number,
  ) {}

  /** Parses `text`; each bad entry is reported through `invalid`, which must throw. */
  protected static entries(
    text: string,
    invalid: (message: string) => Error,
  ): [list: BlockList, size: number] {
    const list = new BlockList();
    const entries = text.split(/[\s,]+/).filter(Boolean);
    for (const entry of entries) addEntry(list, entry, invalid);
    return [list, entries.length];
  }

  /** False for an empty setting: the feature it guards is off. */
  get enabled(): boolean {
    return this.size > 0;
  }

  contains(address: string | undefined): boolean {
    if (!address || !this.enabled) return false;
    const known = this.verdicts.get(address);
    if (known !== undefined) return known;
    const verdict = this.check(address);
    // Bounded: past the limit the memory starts over rather than growing with every peer.
    if (this.verdicts.size >= MAX_REMEMBERED) this.verdicts.clear();
    this.verdicts.set(address, verdict);
    return verdict;
  }

  private check(address: string): boolean {
    const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
    if (isIPv4(plain)) return this.list.check(plain, 'ipv4');
    if (isIPv6(plain)) return this.list.check(plain, 'ipv6');
    return false;
  }
}

function addEntry(list: BlockList, entry: string, invalid: (message: string) => Error): void {
  const [address, prefixText, extra] = entry.split('/');
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  if (!family || extra !== undefined) throw invalid(`not an IP address or CIDR: "${entry}"`);
  const max = family === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max)
    throw invalid(`bad prefix length in "${entry}" (0..${max})`);
  list.addSubnet(address, prefix, family);
}
