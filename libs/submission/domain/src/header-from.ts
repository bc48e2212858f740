// Header From alignment for submitted mail: the author address recipients see
// (RFC 5322 From, which DMARC checks) must be in one of the credential's sender
// domains, just as the envelope sender is. A message must carry exactly one
// From field; two are a known trick to show one author and authenticate
// another, and none cannot be signed or aligned at all.
import addressparser from 'nodemailer/lib/addressparser';

export type HeaderFromVerdict =
  | { ok: true; domains: string[] }
  | { ok: false; why: 'missing' | 'repeated' | 'no-address' }
  | { ok: false; why: 'not-allowed'; domain: string };

/** The header block's fields, unfolded (RFC 5322 2.2.3), as [name, value]. */
export function headerFields(message: Buffer): Array<[string, string]> {
  const end = message.indexOf('\r\n\r\n', 0, 'latin1');
  const head = message.subarray(0, end < 0 ? message.length : end + 2).toString('utf8');
  const fields: Array<[string, string]> = [];
  for (const line of head.split('\r\n')) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1][1] += line;
    else {
      const colon = line.indexOf(':');
      if (colon > 0) fields.push([line.slice(0, colon).trim(), line.slice(colon + 1)]);
    }
  }
  return fields;
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0
    ? ''
    : address
        .slice(at + 1)
        .toLowerCase()
        .replace(/\.$/, '');
}

export function checkHeaderFrom(
  message: Buffer,
  allowedDomains: readonly string[],
): HeaderFromVerdict {
  const from = headerFields(message).filter(([name]) => name.toLowerCase() === 'from');
  if (from.length === 0) return { ok: false, why: 'missing' };
  if (from.length > 1) return { ok: false, why: 'repeated' };
  const addresses = addressparser(from[0][1], { flatten: true })
    .map((a) => a.address)
    .filter((a) => a.includes('@'));
  if (addresses.length === 0) return { ok: false, why: 'no-address' };
  const allowed = new Set(allowedDomains.map((d) => d.toLowerCase()));
  const domains = addresses.map(domainOf);
  const foreign = domains.find((d) => !allowed.has(d));
  return foreign === undefined
    ? { ok: true, domains }
    : { ok: false, why: 'not-allowed', domain: foreign };
}

/** Why, in words safe to put in a reply line (client-supplied text is only echoed when it is a plain domain). */
export function headerFromRefusalDetail(verdict: Exclude<HeaderFromVerdict, { ok: true }>): string {
  switch (verdict.why) {
    case 'missing':
      return '(the message has no From header field)';
    case 'repeated':
      return '(the message has more than one From header field)';
    case 'no-address':
      return '(the From header field holds no address)';
    case 'not-allowed':
      return /^[a-z0-9.-]{1,253}$/.test(verdict.domain)
        ? `(From domain ${verdict.domain} is not a sender domain of this credential)`
        : '(the From domain is not a sender domain of this credential)';
  }
}
