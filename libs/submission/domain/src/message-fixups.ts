// RFC 6409 §8 fix-ups done by the submission server before a message enters
// mail.outbound: add Message-ID and Date when missing and prepend a Received
// trace header. Everything else stays byte-for-byte as the client sent it.

export interface TraceInfo {
  /** Name the client gave in EHLO/HELO. */
  heloName: string;
  clientAddress: string;
  /** This server's host name (Received "by", Message-ID right-hand side). */
  serverName: string;
  queueId: string;
  authenticated: boolean;
  /** e.g. { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' } when the session is encrypted. */
  tls?: { version: string; cipher: string };
  receivedAt: Date;
}

export interface FixupResult {
  message: Buffer;
  addedMessageId?: string;
  addedDate?: string;
}

const CRLF = '\r\n';

/** RFC 5322 date-time in UTC, e.g. "Sat, 28 Nov 2026 13:34:08 +0000". */
export function rfc5322Date(at: Date): string {
  return at.toUTCString().replace(/GMT$/, '+0000');
}

/**
 * Where new header fields go: after the CRLF of the last header line, before the
 * empty line that separates the body (0 when the message has no header lines,
 * the message length when it has no body).
 */
export function headerInsertionPoint(message: Buffer): number {
  if (message.subarray(0, 2).toString('latin1') === CRLF) return 0;
  const end = message.indexOf('\r\n\r\n', 0, 'latin1');
  return end < 0 ? message.length : end + 2;
}

/** Field names of the top-level header lines (continuation lines skipped), lower-cased. */
export function headerNames(headerSection: string): Set<string> {
  const names = new Set<string>();
  for (const line of headerSection.split(CRLF)) {
    const m = /^([\x21-\x39\x3b-\x7e]+)[ \t]*:/.exec(line);
    if (m) names.add(m[1].toLowerCase());
  }
  return names;
}

/** Received header (RFC 5321 §4.4, protocol names from RFC 3848). */
export function receivedHeader(t: TraceInfo): string {
  const protocol = `ESMTP${t.tls ? 'S' : ''}${t.authenticated ? 'A' : ''}`;
  const tls = t.tls ? ` (version=${t.tls.version} cipher=${t.tls.cipher})` : '';
  return (
    `Received: from ${sanitizeToken(t.heloName)} ([${t.clientAddress}])${CRLF}` +
    `\tby ${t.serverName} (Postline submission) with ${protocol}${tls}${CRLF}` +
    `\tid ${t.queueId}; ${rfc5322Date(t.receivedAt)}${CRLF}`
  );
}

/** Applies the fix-ups; the client's bytes are kept, new fields go at the end of its header. */
export function applySubmissionFixups(message: Buffer, t: TraceInfo): FixupResult {
  const at = headerInsertionPoint(message);
  const head = message.subarray(0, at);
  const names = headerNames(head.toString('latin1'));
  const result: FixupResult = { message };
  let added = '';
  if (!names.has('message-id')) {
    result.addedMessageId = `<${t.queueId}@${t.serverName}>`;
    added += `Message-ID: ${result.addedMessageId}${CRLF}`;
  }
  if (!names.has('date')) {
    result.addedDate = rfc5322Date(t.receivedAt);
    added += `Date: ${result.addedDate}${CRLF}`;
  }
  // The line guard guarantees CRLF endings; this only protects direct callers.
  const needsBreak = added !== '' && head.length > 0 && !head.toString('latin1').endsWith(CRLF);
  result.message = Buffer.concat([
    Buffer.from(receivedHeader(t), 'latin1'),
    head,
    Buffer.from((needsBreak ? CRLF : '') + added, 'latin1'),
    message.subarray(at),
  ]);
  return result;
}

/** A HELO name is client-controlled: keep it to one printable token in a trace header. */
function sanitizeToken(value: string): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '').slice(0, 255);
  return clean || 'unknown';
}
