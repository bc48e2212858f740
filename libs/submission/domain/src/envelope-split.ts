// Splits a submitted envelope into one part per routing key, so that every part
// lands on the mail.outbound partition whose MTA worker owns that domain's throttle.
import { domainToASCII } from 'node:url';

export interface EnvelopePart {
  /** Lower-case ASCII (punycode) recipient domain. */
  routingKey: string;
  recipients: string[];
}

export class InvalidRecipientError extends Error {
  readonly code = 'INVALID_RECIPIENT';
  constructor(readonly recipient: string) {
    super(`recipient has no valid domain: ${recipient}`);
    this.name = 'InvalidRecipientError';
  }
}

/** Routing key of one address: its domain, IDNA-converted to ASCII and lower-cased. */
export function routingKeyOf(address: string): string {
  const at = address.lastIndexOf('@');
  const domain = at < 0 ? '' : address.slice(at + 1).replace(/^\[|\]$/g, '');
  const ascii = domain ? domainToASCII(domain).toLowerCase() : '';
  if (!ascii) throw new InvalidRecipientError(address);
  return ascii;
}

/** Parts in first-seen order of their domains; recipients keep their order and are de-duplicated. */
export function splitByRoutingKey(recipients: readonly string[]): EnvelopePart[] {
  const parts = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const rcpt of recipients) {
    const key = routingKeyOf(rcpt);
    const identity = `${rcpt.slice(0, rcpt.lastIndexOf('@'))}@${key}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    const list = parts.get(key) ?? [];
    list.push(rcpt);
    parts.set(key, list);
  }
  return [...parts].map(([routingKey, list]) => ({ routingKey, recipients: list }));
}
