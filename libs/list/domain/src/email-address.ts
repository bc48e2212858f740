// Subscriber addresses, checked and normalised once at the door of the list
// service, so that everything downstream (dedupe, render, MTA routing) can trust
// them: RFC 5321 Mailbox syntax, one canonical form, and a precise reason when not.
//
// Rules (and why):
// - Local part: dot-atom, or a quoted string (RFC 5321 §4.1.2), at most 64 octets.
//   A quoted string whose content is a plain dot-atom is unquoted ("john"@x → john@x),
//   so one mailbox has one spelling. The local part keeps its case: RFC 5321 §2.4
//   says only the receiving host may interpret it.
// - Non-ASCII local parts need SMTPUTF8 (RFC 6531) end to end. Postline's MTA does
//   not negotiate it yet and many receivers refuse it, so such an address would only
//   bounce later; it is refused here with a reason instead.
// - Domain: a host name (letters, digits, hyphens; labels of 1..63; at least two
//   labels; non-numeric top-level label), at most 255 octets, lower-cased.
//   Internationalised domains are converted to punycode (UTS #46 via node:url), which
//   every SMTP server accepts. Address literals ([192.0.2.1]) are refused: list mail
//   goes to domains, and a literal skips MX and DNS-based policies.
// - The whole address is at most 254 octets (the RFC 5321 path limit minus "<>").
// - Surrounding spaces/tabs are trimmed (common in imports); anything else that is
//   not part of an address (display names, inner spaces, CR/LF) is refused.
import { domainToASCII } from 'node:url';

export interface EmailAddress {
  /** The canonical form: local part as given (unquoted when possible) + "@" + ASCII domain. */
  readonly address: string;
  readonly localPart: string;
  /** Lower-case ASCII; punycode for internationalised domains. */
  readonly domain: string;
}

export type EmailCheck = { ok: true; value: EmailAddress } | { ok: false; reason: string };

export const EMAIL_LIMITS = {
  localPartOctets: 64,
  domainOctets: 255,
  addressOctets: 254,
  labelOctets: 63,
} as const;

const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]$/;
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

const fail = (reason: string): EmailCheck => ({ ok: false, reason });

/** Parses, validates and normalises one address; never throws. */
export function checkEmailAddress(input: unknown): EmailCheck {
  if (typeof input !== 'string') return fail('must be a string');
  if (/[\r\n]/.test(input)) return fail('contains a line break (CR or LF)');
  const text = input.replace(/^[ \t]+|[ \t]+$/g, '');
  if (text === '') return fail('is empty');
  if (CONTROL.test(text)) return fail('contains a control character');
  if (/^[^<]*<[^>]*>\s*$/.test(text)) {
    return fail(
      'looks like a display name or bracketed address ("Name <address>"); send the bare address only',
    );
  }
  const split = splitAtSign(text);
  if (!split.ok) return split;
  const local = checkLocalPart(split.local);
  if (!local.ok) return local;
  const domain = checkDomain(split.domain);
  if (!domain.ok) return domain;
  const address = `${local.value}@${domain.value}`;
  if (octets(address) > EMAIL_LIMITS.addressOctets) {
    return fail(
      `is ${octets(address)} characters long; the limit is ${EMAIL_LIMITS.addressOctets}`,
    );
  }
  return { ok: true, value: { address, localPart: local.value, domain: domain.value } };
}

export type DomainCheck = { ok: true; value: string } | { ok: false; reason: string };
type Part = DomainCheck;
type Split = { ok: true; local: string; domain: string } | { ok: false; reason: string };

/** Splits at the "@" that ends the local part; a quoted local part may itself contain "@". */
function splitAtSign(text: string): Split {
  if (text.startsWith('"')) {
    const end = closingQuote(text);
    if (end < 0) return { ok: false, reason: 'has a quoted local part without its closing quote' };
    if (text[end + 1] !== '@') {
      return {
        ok: false,
        reason:
          text.length === end + 1
            ? 'is missing "@" and a domain'
            : 'must have "@" right after the quoted local part',
      };
    }
    return { ok: true, local: text.slice(0, end + 1), domain: text.slice(end + 2) };
  }
  const at = text.indexOf('@');
  if (at < 0) return { ok: false, reason: 'is missing "@"' };
  if (text.indexOf('@', at + 1) >= 0) return { ok: false, reason: 'contains more than one "@"' };
  return { ok: true, local: text.slice(0, at), domain: text.slice(at + 1) };
}

/** Index of the quote closing the quoted string that starts at 0, honouring backslash escapes. */
function closingQuote(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

function checkLocalPart(raw: string): Part {
  if (raw === '') return { ok: false, reason: 'has an empty local part (nothing before "@")' };
  if (NON_ASCII.test(raw)) {
    return {
      ok: false,
      reason:
        'has a non-ASCII local part, which needs SMTPUTF8 (RFC 6531); Postline does not send SMTPUTF8 mail yet',
    };
  }
  const local = raw.startsWith('"') ? unquote(raw) : checkDotAtom(raw);
  if (!local.ok) return local;
  if (octets(local.value) > EMAIL_LIMITS.localPartOctets) {
    return {
      ok: false,
      reason: `has a local part of ${octets(local.value)} characters; the limit is ${EMAIL_LIMITS.localPartOctets}`,
    };
  }
  return local;
}

function checkDotAtom(local: string): Part {
  if (DOT_ATOM.test(local)) return { ok: true, value: local };
  if (local.startsWith('.')) return { ok: false, reason: 'has a local part starting with "."' };
  if (local.endsWith('.')) return { ok: false, reason: 'has a local part ending with "."' };
  if (local.includes('..'))
    return { ok: false, reason: 'has consecutive dots ("..") in the local part' };
  if (/[ \t]/.test(local)) return { ok: false, reason: 'contains a space' };
  const bad = [...local].find((c) => c !== '.' && !ATEXT.test(c));
  return {
    ok: false,
    reason: `has "${bad}" in the local part, which is only allowed inside a quoted string`,
  };
}

/** Validates a quoted string (qtext / quoted-pair) and returns its canonical spelling. */
function unquote(quoted: string): Part {
  let content = '';
  for (let i = 1; i < quoted.length - 1; i++) {
    const c = quoted[i];
    if (c === '\\') {
      i++;
      content += quoted[i];
    } else if (c === '"') {
      return { ok: false, reason: 'has an unescaped quote inside the quoted local part' };
    } else {
      content += c;
    }
  }
  if (content === '') return { ok: false, reason: 'has an empty quoted local part ("")' };
  if (/\t/.test(content)) return { ok: false, reason: 'has a tab in the quoted local part' };
  if (DOT_ATOM.test(content)) return { ok: true, value: content };
  return { ok: true, value: `"${content.replace(/(["\\])/g, '\\$1')}"` };
}

/**
 * A bare domain (a domain-wide suppression, say) by the same rules as the domain
 * of an address: trimmed, lower-cased, punycode for IDNs; never throws.
 */
export function checkDomainName(input: unknown): DomainCheck {
  if (typeof input !== 'string') return { ok: false, reason: 'must be a string' };
  // Checked before trimming: a trailing line break is an injection attempt, not padding.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(input))
    return { ok: false, reason: 'contains a control character' };
  const text = input.trim();
  if (text === '') return { ok: false, reason: 'is empty' };
  if (text.includes('@')) return { ok: false, reason: 'contains "@"; give the domain alone' };
  const domain = checkDomain(text);
  if (!domain.ok)
    return { ok: false, reason: domain.reason.replace(/^has a domain/, 'is a domain') };
  return domain;
}

function checkDomain(raw: string): Part {
  if (raw === '') return { ok: false, reason: 'has an empty domain (nothing after "@")' };
  if (raw.startsWith('[')) {
    return {
      ok: false,
      reason: 'has an address literal ([...]) as domain; a domain name is required',
    };
  }
  if (/[ \t]/.test(raw)) return { ok: false, reason: 'contains a space in the domain' };
  if (raw.startsWith('.')) return { ok: false, reason: 'has a domain starting with "."' };
  if (raw.endsWith('.')) return { ok: false, reason: 'has a domain ending with "."' };
  if (raw.includes('..')) return { ok: false, reason: 'has consecutive dots ("..") in the domain' };
  const internationalised = NON_ASCII.test(raw);
  // ASCII domains are checked as typed, so the reason names the character the sender wrote.
  const early = internationalised ? undefined : hostNameProblem(raw.toLowerCase());
  if (early) return { ok: false, reason: early };
  const ascii = domainToASCII(raw);
  if (ascii === '') {
    return {
      ok: false,
      reason: internationalised
        ? 'has a domain that is not a valid internationalised domain name'
        : 'has a domain label that is not valid punycode ("xn--...")',
    };
  }
  const problem = hostNameProblem(ascii);
  if (problem) return { ok: false, reason: problem };
  return { ok: true, value: ascii };
}

function hostNameProblem(domain: string): string | undefined {
  if (octets(domain) > EMAIL_LIMITS.domainOctets)
    return `has a domain of ${octets(domain)} characters; the limit is ${EMAIL_LIMITS.domainOctets}`;
  const labels = domain.split('.');
  for (const label of labels) {
    if (label === '') return 'has an empty label in the domain';
    if (label.length > EMAIL_LIMITS.labelOctets)
      return `has a domain label of ${label.length} characters; the limit is ${EMAIL_LIMITS.labelOctets}`;
    if (label.startsWith('-') || label.endsWith('-'))
      return `has a domain label "${label}" that starts or ends with "-"`;
    if (!LABEL.test(label)) {
      const bad = [...label].find((c) => !/[a-z0-9-]/.test(c));
      return `has "${bad}" in the domain, which is not allowed in a host name`;
    }
  }
  if (labels.length < 2) return `has a domain "${domain}" without a top-level domain`;
  if (/^[0-9]+$/.test(labels[labels.length - 1]))
    return 'has a numeric top-level domain (IP addresses are not accepted)';
  return undefined;
}

function octets(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
