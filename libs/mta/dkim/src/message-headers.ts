// Reads only what DKIM signing needs from a pre-built message: the header
// fields (as latin1 strings, so every byte survives the round trip) and where
// the body starts. The body itself is never decoded.
const CR = 0x0d;
const LF = 0x0a;
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');

export interface HeaderField {
  /** Field name in lower case, without the colon. */
  name: string;
  /** The whole field as it appears, folding included, without the final CRLF. */
  raw: string;
}

export interface MessageParts {
  fields: HeaderField[];
  /** Offset of the first body byte (equal to the length when there is no body). */
  bodyStart: number;
}

/**
 * The message with every bare LF turned into CRLF, or the same Buffer when it has none.
 * SMTP clients (nodemailer among them) make that same change on the wire, so signing the
 * normalised form is what lets the receiver's view verify.
 */
export function toCrlf(raw: Buffer): Buffer {
  let bare = 0;
  for (let i = raw.indexOf(LF); i !== -1; i = raw.indexOf(LF, i + 1)) {
    if (i === 0 || raw[i - 1] !== CR) bare++;
  }
  if (bare === 0) return raw;
  const out = Buffer.allocUnsafe(raw.length + bare);
  let o = 0;
  let from = 0;
  for (let i = raw.indexOf(LF); i !== -1; i = raw.indexOf(LF, i + 1)) {
    if (i > 0 && raw[i - 1] === CR) continue;
    o += raw.copy(out, o, from, i);
    out[o++] = CR;
    out[o++] = LF;
    from = i + 1;
  }
  o += raw.copy(out, o, from);
  return out;
}

/** Splits a CRLF message at the empty line that ends its header block. */
export function splitMessage(message: Buffer): MessageParts {
  let headerEnd: number;
  let bodyStart: number;
  if (message[0] === CR && message[1] === LF) {
    headerEnd = 0;
    bodyStart = 2;
  } else {
    const blank = message.indexOf(HEADER_END);
    headerEnd = blank === -1 ? message.length : blank + 2;
    bodyStart = blank === -1 ? message.length : blank + 4;
  }
  return { fields: parseFields(message.toString('latin1', 0, headerEnd)), bodyStart };
}

function parseFields(block: string): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const line of block.split('\r\n')) {
    if (line.length === 0) continue;
    const last = fields[fields.length - 1];
    // A line opening with WSP continues the previous field (RFC 5322 folding).
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      last.raw += `\r\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    // A line without a colon is no field (an mbox "From " line, say): kept, never signed.
    const name =
      colon === -1
        ? ''
        : line
            .slice(0, colon)
            .replace(/[ \t]+$/, '')
            .toLowerCase();
    fields.push({ name, raw: line });
  }
  return fields;
}

/** The value of a field: everything after its colon, folding kept. */
export function fieldValue(field: HeaderField): string {
  return field.raw.slice(field.raw.indexOf(':') + 1);
}
