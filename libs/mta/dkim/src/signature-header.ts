// Lays out a DKIM-Signature header field: tags in a fixed order, folded at tag
// boundaries (and inside h= and b=, where the grammar allows whitespace) so that
// lines stay within 78 characters. b= comes last, so the data the signature
// covers is the folded field up to and including "b=".
export const DKIM_SIGNATURE = 'DKIM-Signature';
const MAX_LINE = 78;

export interface SignatureTags {
  algorithm: string;
  domain: string;
  selector: string;
  timestamp: number;
  expiresAt?: number;
  headerNames: readonly string[];
  bodyHash: string;
}

/** The field without its signature value, ending in "b=" (no CRLF). */
export function unsignedSignatureField(tags: SignatureTags): string {
  const segments: string[][] = [
    ['v=1;'],
    [`a=${tags.algorithm};`],
    ['c=relaxed/relaxed;'],
    [`d=${tags.domain};`],
    [`s=${tags.selector};`],
    [`t=${tags.timestamp};`],
    ...(tags.expiresAt === undefined ? [] : [[`x=${tags.expiresAt};`]]),
    // FWS may follow each ":" of h=, so the list can break after any name.
    tags.headerNames.map(
      (name, i, all) => `${i === 0 ? 'h=' : ''}${name}${i < all.length - 1 ? ':' : ';'}`,
    ),
    [`bh=${tags.bodyHash};`],
  ];
  const lines: string[] = [];
  let line = `${DKIM_SIGNATURE}:`;
  for (const tag of segments) {
    tag.forEach((segment, i) => {
      const separator = i === 0 ? ' ' : '';
      if (line.length + separator.length + segment.length <= MAX_LINE) {
        line += separator + segment;
      } else {
        lines.push(line);
        line = ` ${segment}`;
      }
    });
  }
  lines.push(line);
  // b= opens its own line; with its value it rarely fits behind bh= anyway.
  lines.push(' b=');
  return lines.join('\r\n');
}

/** The complete field, CRLF-terminated: the unsigned field with the base64 value folded in. */
export function signedSignatureField(unsigned: string, signature: string): string {
  let out = unsigned;
  let room = MAX_LINE - (unsigned.length - unsigned.lastIndexOf('\n') - 1);
  for (let at = 0; at < signature.length;) {
    out += signature.slice(at, at + room);
    at += room;
    if (at < signature.length) out += '\r\n ';
    room = MAX_LINE - 1;
  }
  return `${out}\r\n`;
}
