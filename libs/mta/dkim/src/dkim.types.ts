// The types the MTA's delivery path shares with the DKIM signer.
import type { KeyObject } from 'node:crypto';

export type DkimAlgorithm = 'rsa-sha256' | 'ed25519-sha256';

export interface DkimKey {
  /** Signing domain (d=), lower-case ASCII. */
  domain: string;
  /** Selector (s=): the key's DNS record is `<selector>._domainkey.<domain>`. */
  selector: string;
  algorithm: DkimAlgorithm;
  privateKey: KeyObject;
}

/**
 * - `signed`: one signature per key of the domain was added.
 * - `no_key`: the From domain and its parents have no key; the message is unchanged.
 * - `no_from`: no From header, or its address has no usable domain.
 * - `multiple_from`: several From headers, or one From naming several mailboxes.
 */
export type DkimSignOutcome = 'signed' | 'no_key' | 'no_from' | 'multiple_from';

export interface DkimSignResult {
  /** The bytes to send: the signed message (CRLF line endings), or the very input Buffer when not signed. */
  message: Buffer;
  outcome: DkimSignOutcome;
  /** The signing domain (d=) when signed; the From domain that had no key for `no_key`. */
  domain?: string;
  signatures: number;
}
