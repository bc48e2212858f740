// Header fields of a rendered message (RFC 5322, RFC 2047): ASCII-only lines
// folded at 76 characters, UTF-8 phrases (subject, display names) as encoded
// words, addresses with their domain in punycode. Values reach here already
// checked for CR, LF and NUL (header-safety.ts), so a merge value can never
// start a header of its own.
// Called as methods: the encoders call each other through `this`.
import * as mimeFuncs from 'nodemailer/lib/mime-funcs';

/** A mailbox for a header: `address` is `local@ascii-domain`, `name` any Unicode. */
export interface HeaderMailbox {
  address: string;
  name?: string;
}

const FOLD_AT = 76;
/** Longest encoded word before it is split (RFC 2047 §2 allows 75 with the charset). */
const ENCODED_WORD_MAX = 52;
/** A display name of these characters needs no quoting (RFC 5322 atext and spaces). */
const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/;

/** `Name: value` folded at 76 characters. */
export function headerLine(name: string, value: string): string {
  return mimeFuncs.foldLines(`${name}: ${value}`, FOLD_AT);
}

/** Q encoding for mostly Latin text, B for the rest, as mail clients display best. */
function wordEncoding(value: string): 'Q' | 'B' {
  let latin = 0;
  let other = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latin++;
    else if (c > 0x7e || c < 0x20) other++;
  }
  return other < latin ? 'Q' : 'B';
}

/**
 * Unstructured text (Subject): kept as is when printable ASCII, otherwise one
 * or more UTF-8 encoded words covering the whole value. ASCII that looks like
 * an encoded word is encoded too, so a merge value cannot smuggle one in.
 */
export function encodeText(value: string): string {
  if (mimeFuncs.isPlainText(value) && !value.includes('=?')) return value;
  return mimeFuncs.encodeWord(value, wordEncoding(value), ENCODED_WORD_MAX);
}

/** A display name as a phrase: bare atoms, a quoted string, or encoded words. */
export function encodePhrase(name: string): string {
  if (!mimeFuncs.isPlainText(name) || name.includes('=?')) {
    return mimeFuncs.encodeWord(name, wordEncoding(name), ENCODED_WORD_MAX);
  }
  if (ATOM_PHRASE.test(name)) return name;
  return `"${name.replace(/[\\"]/g, '\\$&')}"`;
}

export function formatMailbox(mailbox: HeaderMailbox): string {
  return mailbox.name ? `${encodePhrase(mailbox.name)} <${mailbox.address}>` : mailbox.address;
}

/** RFC 5322 date-time in UTC, e.g. `Fri, 02 Jan 2026 03:04:05 +0000`. */
export function formatDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}
