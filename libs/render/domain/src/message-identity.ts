// Identifiers render stamps on every message (docs/pipeline-contract.md): the
// message id is derived from the render request id, so a re-delivered request
// yields the same message; the routing key is the recipient's ASCII domain.
import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { RenderError, type RenderErrorCode } from './render-errors';

/** First 32 lowercase hex chars of sha256(requestId). */
export function messageIdFor(requestId: string): string {
  return createHash('sha256').update(requestId, 'utf8').digest('hex').slice(0, 32);
}

export interface ParsedAddress {
  /** The address as given, trimmed. */
  address: string;
  localPart: string;
  /** Domain in lower-case ASCII (punycode for IDNs). */
  asciiDomain: string;
}

// A pragmatic dot-atom-ish check: no whitespace, controls, brackets, quotes or
// separators, so the value can never split an address list or a header.
// eslint-disable-next-line no-control-regex
const LOCAL_PART = /^[^\s\x00-\x1f\x7f@<>()[\],;:"\\]{1,64}$/;
// eslint-disable-next-line no-control-regex
const DOMAIN_FORBIDDEN = /[\s\x00-\x1f\x7f@<>()[\],;:"\\/]/;

/** Parses an addr-spec; `code` says which side (recipient or sender) is invalid. */
export function parseAddress(
  raw: string | undefined,
  code: Extract<RenderErrorCode, 'RECIPIENT_ADDRESS_INVALID' | 'SENDER_ADDRESS_INVALID'>,
): ParsedAddress {
  const address = (raw ?? '').trim();
  const at = address.lastIndexOf('@');
  const fail = (why: string) => new RenderError(code, `address ${why}`);
  if (!address) throw fail('is empty');
  if (address.length > 254) throw fail('is longer than 254 characters');
  if (at <= 0 || at === address.length - 1) throw fail('is not of the form local@domain');
  const localPart = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (!LOCAL_PART.test(localPart)) throw fail('has an invalid local part');
  if (DOMAIN_FORBIDDEN.test(domain)) throw fail('has an invalid domain');
  const asciiDomain = domainToASCII(domain).toLowerCase();
  if (!asciiDomain || asciiDomain.startsWith('.') || asciiDomain.endsWith('.')) {
    throw fail('has an invalid domain');
  }
  return { address, localPart, asciiDomain };
}

/** The address as headers carry it: the domain in lower-case punycode, the local part as given. */
export function headerAddress(address: ParsedAddress): string {
  return `${address.localPart}@${address.asciiDomain}`;
}

/** Routing key of mail.outbound.v1: the recipient's domain in lower-case ASCII. */
export function routingKeyFor(email: string): string {
  return parseAddress(email, 'RECIPIENT_ADDRESS_INVALID').asciiDomain;
}
