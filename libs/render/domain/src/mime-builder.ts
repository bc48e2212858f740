// RFC 5322 message assembly with nodemailer's MailComposer: addresses and
// UTF-8 header encoding, multipart/alternative bodies. The output is the exact
// byte sequence the MTA will DKIM-sign and send.
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { assertHeaderSafe } from './header-safety';

export interface MimeInput {
  messageId: string;
  /** Domain part of the Message-ID header, normally the sender's domain. */
  messageIdDomain: string;
  from: { address: string; name?: string };
  to: { address: string; name?: string };
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

/** Builds the complete message; every header value is checked for CR/LF/NUL first. */
export async function buildMime(input: MimeInput): Promise<Buffer> {
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
  const options: Mail.Options & { baseBoundary: string } = {
    from: input.from.name
      ? { name: input.from.name, address: input.from.address }
      : input.from.address,
    to: input.to.name ? { name: input.to.name, address: input.to.address } : input.to.address,
    subject: input.subject,
    messageId: `<${input.messageId}@${input.messageIdDomain}>`,
    date: input.date,
    // Boundaries derived from the message id make a re-rendered message byte-identical.
    baseBoundary: input.messageId.slice(0, 16),
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  if (input.replyTo) options.replyTo = input.replyTo;
  if (input.headers?.length) {
    options.headers = Object.fromEntries(
      input.headers.map((h) => [h.key, { prepared: true, value: h.value }]),
    );
  }
  // MailComposer keeps body line ends as given; SMTP needs CRLF, and a bare LF in
  // DATA is refused by strict receivers (and is the raw material of SMTP smuggling).
  if (input.text) options.text = toCrlf(input.text);
  if (input.html) options.html = toCrlf(input.html);
  return new MailComposer(options).compile().build();
}

function toCrlf(body: string): string {
  return body.replace(/\r\n|\r|\n/g, '\r\n');
}
