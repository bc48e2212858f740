// RFC 5322 message assembly for the one shape render emits: a text and an
// HTML part in multipart/alternative (or a single part when only one exists),
// UTF-8 throughout. Built directly into bytes rather than through a general
// MIME composer, since this runs once per recipient on the campaign hot path.
// The output is the exact byte sequence the MTA will DKIM-sign and send.
import { assertHeaderSafe } from './header-safety';
import { encodeBody, type EncodedBody } from './mime-encoding';
import {
  encodeText,
  formatDate,
  formatMailbox,
  headerLine,
  type HeaderMailbox,
} from './mime-headers';

export interface MimeInput {
  messageId: string;
  /** Domain part of the Message-ID header, normally the sender's domain. */
  messageIdDomain: string;
  /** Addresses as `local@ascii-domain` (punycode); names in any script. */
  from: HeaderMailbox;
  to: HeaderMailbox;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  date: Date;
  /**
   * Extra header fields inserted verbatim, in order. Callers build them from
   * sanitised ASCII only (see compliance-headers.ts); merge values never reach them.
   */
  headers?: Array<{ key: string; value: string }>;
}

const CRLF = '\r\n';

/**
 * The multipart boundary. "=_" can never occur in quoted-printable or base64
 * output, and a 7bit part is only chosen when it does not contain the boundary,
 * so no body can end a part early. Derived from the message id, so a re-rendered
 * message is byte-identical.
 */
export function boundaryFor(messageId: string): string {
  return `=_pl_${messageId.slice(0, 16)}_alt`;
}

/** Builds the complete message; every header value is checked for CR/LF/NUL first. */
export function buildMime(input: MimeInput): Buffer {
  for (const [field, value] of [
    ['from name', input.from.name],
    ['from address', input.from.address],
    ['recipient name', input.to.name],
    ['recipient address', input.to.address],
    ['reply-to', input.replyTo],
    ['subject', input.subject],
  ] as const) {
    assertHeaderSafe(field, value);
  }
  const head = topHeaders(input);
  const parts: Array<{ type: string; content: string }> = [];
  if (input.text || !input.html) parts.push({ type: 'text/plain', content: input.text });
  if (input.html) parts.push({ type: 'text/html', content: input.html });
  if (parts.length === 1) {
    const body = encodeBody(parts[0].content);
    return Buffer.concat([
      Buffer.from(head + partHeaders(parts[0].type, body) + CRLF, 'utf8'),
      body.bytes,
    ]);
  }
  const boundary = boundaryFor(input.messageId);
  const chunks: Buffer[] = [
    Buffer.from(
      `${head}${headerLine('Content-Type', `multipart/alternative;${CRLF} boundary="${boundary}"`)}${CRLF}${CRLF}`,
      // UTF-8: an internationalised local part (RFC 6532) is sent as is; all else is ASCII.
      'utf8',
    ),
  ];
  for (const part of parts) {
    const body = encodeBody(part.content, boundary);
    chunks.push(
      Buffer.from(`--${boundary}${CRLF}${partHeaders(part.type, body)}${CRLF}`, 'latin1'),
      body.bytes,
      Buffer.from(CRLF, 'latin1'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`, 'latin1'));
  return Buffer.concat(chunks);
}

/** Every header line of the message before Content-Type, each ending in CRLF. */
function topHeaders(input: MimeInput): string {
  const lines: string[] = [];
  for (const h of input.headers ?? []) lines.push(`${h.key}: ${h.value}`);
  lines.push(headerLine('From', formatMailbox(input.from)));
  lines.push(headerLine('To', formatMailbox(input.to)));
  if (input.replyTo) lines.push(headerLine('Reply-To', input.replyTo));
  lines.push(headerLine('Subject', encodeText(input.subject)));
  lines.push(`Message-ID: <${input.messageId}@${input.messageIdDomain}>`);
  lines.push(`Date: ${formatDate(input.date)}`);
  lines.push('MIME-Version: 1.0');
  return lines.join(CRLF) + CRLF;
}

function partHeaders(type: string, body: EncodedBody): string {
  return (
    `Content-Type: ${type}; charset=utf-8${CRLF}` +
    `Content-Transfer-Encoding: ${body.encoding}${CRLF}`
  );
}
