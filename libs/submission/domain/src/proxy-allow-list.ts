// Which peers may put a PROXY protocol header in front of an SMTP session: the
// load balancers named by CIDR in POSTLINE_SUBMISSION_PROXY_ALLOWED_CIDRS. A
// listed peer must send the header (its own address is the balancer's, not the
// client's); any other peer must not, since the header would let it choose the
// address that limits, logs and the Received header use.
import { CidrList } from './cidr-list';

export class ProxyAllowListError extends Error {
  readonly code = 'SUBMISSION_PROXY_CIDR_INVALID';
}

export class ProxyAllowList extends CidrList {
  /** Comma- or space-separated CIDRs (a bare address is a /32 or /128); empty means PROXY off. */
  static parse(text: string): ProxyAllowList {
    const [list, size] = CidrList.entries(text, (m) => new ProxyAllowListError(m));
    return new ProxyAllowList(list, size);
  }
}
