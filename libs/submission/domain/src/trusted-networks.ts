// The networks whose clients may submit on the trusted listener without AUTH or
// TLS (POSTLINE_SUBMISSION_TRUSTED_NETWORKS), like Postfix's mynetworks: internal
// applications and relays that cannot authenticate. Any other peer is refused at
// connect. Empty means no trusted listener at all.
import { CidrList } from './cidr-list';

export class TrustedNetworksError extends Error {
  readonly code = 'SUBMISSION_TRUSTED_CIDR_INVALID';
}

export class TrustedNetworks extends CidrList {
  /** Comma- or space-separated CIDRs (a bare address is a /32 or /128); empty trusts nobody. */
  static parse(text: string): TrustedNetworks {
    const [list, size] = CidrList.entries(text, (m) => new TrustedNetworksError(m));
    return new TrustedNetworks(list, size);
  }
}
