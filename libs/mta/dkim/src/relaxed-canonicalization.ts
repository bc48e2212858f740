// RFC 6376 §3.4.2 and §3.4.4 "relaxed" canonicalization, the form both
// signatures hash. Header fields are latin1 strings (bytes kept as they are);
// the body is hashed from the message Buffer: in place when it is already in
// relaxed form (as built MIME usually is), else from a one-pass copy.
import { createHash } from 'node:crypto';
import type { HeaderField } from './message-headers';

const SP = 0x20;
const HTAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const CRLF = Buffer.from('\r\n', 'latin1');
const DOUBLE_SP = Buffer.from('  ', 'latin1');
const SP_CRLF = Buffer.from(' \r\n', 'latin1');

/** `name:value` with the name lower-cased, unfolded, WSP runs collapsed, no WSP around the colon. */
export function relaxedHeader(field: HeaderField): string {
  const value = field.raw
    .slice(field.raw.indexOf(':') + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    // Not String.trim(): it would also eat latin1 0xA0, the tail byte of many UTF-8 characters.
    .replace(/^ | $/g, '');
  return `${field.name}:${value}`;
}

/**
 * Base64 SHA-256 of the relaxed body: WSP runs become one SP, WSP at line ends and
 * empty lines at the end go, and a non-empty body ends with exactly one CRLF. An empty
 * body canonicalizes to nothing (RFC 6376 errata 1384), whose hash is 47DEQpj8….
 */
export function relaxedBodyHash(message: Buffer, bodyStart: number): string {
  const hash = createHash('sha256');
  if (isRelaxedExceptEnd(message, bodyStart)) {
    // Typical built MIME (base64, quoted-printable) lands here: hashed in place, no copy.
    const end = contentEnd(message, bodyStart);
    if (end > bodyStart) hash.update(message.subarray(bodyStart, end)).update(CRLF);
  } else {
    hash.update(relaxedBodyCopy(message, bodyStart));
  }
  return hash.digest('base64');
}

/** True when only trailing empty lines (and one final SP) stand between the body and its relaxed form. */
function isRelaxedExceptEnd(message: Buffer, bodyStart: number): boolean {
  return (
    message.indexOf(HTAB, bodyStart) === -1 &&
    message.indexOf(DOUBLE_SP, bodyStart) === -1 &&
    message.indexOf(SP_CRLF, bodyStart) === -1
  );
}

function contentEnd(message: Buffer, bodyStart: number): number {
  let end = message.length;
  if (end > bodyStart && message[end - 1] === SP) end--;
  while (end - bodyStart >= 2 && message[end - 1] === LF && message[end - 2] === CR) end -= 2;
  return end;
}

/** The relaxed body, built in one pass over the bytes. */
function relaxedBodyCopy(message: Buffer, bodyStart: number): Buffer {
  const end = message.length;
  const out = Buffer.allocUnsafe(end - bodyStart + 2);
  let o = 0;
  let space = 0;
  let lines = 0;
  for (let i = bodyStart; i < end; i++) {
    const c = message[i];
    if (c > SP && (lines | space) === 0) {
      out[o++] = c;
    } else if (c === SP || c === HTAB) {
      space = 1;
    } else if (c === CR && message[i + 1] === LF) {
      // Trailing WSP is dropped, and line breaks are only written once content
      // follows, which drops empty lines at the end.
      space = 0;
      lines++;
      i++;
    } else {
      for (; lines > 0; lines--) {
        out[o++] = CR;
        out[o++] = LF;
      }
      if (space) out[o++] = SP;
      space = 0;
      out[o++] = c;
    }
  }
  if (o > 0) {
    out[o++] = CR;
    out[o++] = LF;
  }
  return out.subarray(0, o);
}
