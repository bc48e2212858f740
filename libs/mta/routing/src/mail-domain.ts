// Recipient domains as the MTA routes them: ASCII (punycode) host names in
// lower case. Routing keys, override patterns and MX lookups all go through
// these helpers so that "Example.COM." and "example.com" are one destination.
import { domainToASCII } from 'node:url';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
// Control characters, spaces and angle brackets would break the SMTP command line.
const BAD_LOCAL_PART = /[\s<>\p{Cc}]/u;

/** The canonical form of a host name, or undefined if it is not a valid ASCII host name. */
export function normalizeDomain(input: string): string | undefined {
  const domain = input.trim().toLowerCase().replace(/\.$/, '');
  if (domain.length === 0 || domain.length > 253) return undefined;
  return domain.split('.').every((label) => LABEL.test(label)) ? domain : undefined;
}

export interface MailAddress {
  localPart: string;
  /** Canonical ASCII form: an internationalised domain is converted to its A-label (bücher.example → xn--bcher-kva.example). */
  domain: string;
  /** The address as it goes on the SMTP command line: local part as given, domain in ASCII. */
  smtp: string;
}

/**
 * Splits an envelope address at its last "@". Address literals ([192.0.2.1]) and
 * quoted local parts with spaces are not routable here and yield undefined.
 */
export function parseMailAddress(address: string): MailAddress | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0) return undefined;
  const localPart = address.slice(0, at);
  if (Buffer.byteLength(localPart) > 64 || BAD_LOCAL_PART.test(localPart)) return undefined;
  const rawDomain = address.slice(at + 1);
  // A trailing dot is fine in DNS but not in an RFC 5321 mailbox.
  const domain = rawDomain.endsWith('.') ? undefined : normalizeDomain(domainToASCII(rawDomain));
  return domain ? { localPart, domain, smtp: `${localPart}@${domain}` } : undefined;
}

/** The domain a routing key stands for: "example.com" or "example.com#3" (shard 3 of a big domain). */
export function routingKeyDomain(routingKey: string): string | undefined {
  const hash = routingKey.indexOf('#');
  return normalizeDomain(hash === -1 ? routingKey : routingKey.slice(0, hash));
}
