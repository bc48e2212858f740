// Turns what nodemailer reports for one SMTP transaction into one result per
// recipient. A real reply from the peer always wins; failures without one
// (refused, timed out, dropped mid-DATA) get a synthetic reply from the
// catalogue below, so every event carries a basic and an enhanced code.
import type { DeliveryResult, SmtpReply } from './dispatch.types';
import { MAX_REPLY_TEXT, outcomeOf, parseSmtpReply } from './smtp-reply';

/** Replies we report when the peer gave none. Transport failures are temporary: the next attempt may get through. */
export const SyntheticReplies = {
  CONNECT_FAILED: { code: 451, enhancedCode: '4.4.1', text: 'no answer from the receiving host' },
  CONNECTION_LOST: {
    code: 451,
    enhancedCode: '4.4.2',
    text: 'connection to the receiving host was lost',
  },
  DNS_FAILED: { code: 451, enhancedCode: '4.4.3', text: 'could not resolve the receiving host' },
  TLS_FAILED: {
    code: 451,
    enhancedCode: '4.7.0',
    text: 'TLS negotiation with the receiving host failed',
  },
  UNKNOWN: { code: 451, enhancedCode: '4.3.0', text: 'delivery failed temporarily' },
  BAD_RECIPIENT: {
    code: 553,
    enhancedCode: '5.1.3',
    text: 'recipient address is not valid for SMTP',
  },
  BAD_SENDER: { code: 553, enhancedCode: '5.1.7', text: 'sender address is not valid for SMTP' },
  TOO_BIG: {
    code: 552,
    enhancedCode: '5.3.4',
    text: 'message is larger than the receiving host accepts',
  },
} as const satisfies Record<string, SmtpReply>;

/** The fields of a nodemailer SMTP error we read (see nodemailer lib/smtp-connection). */
export interface SmtpErrorLike {
  message: string;
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  syscall?: string;
  recipient?: string;
  rejectedErrors?: SmtpErrorLike[];
}

/** The fields of nodemailer's SentMessageInfo we read. */
export interface SendInfoLike {
  response?: string;
  rejectedErrors?: SmtpErrorLike[];
}

const CONNECT_ERRNO = /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL/;
const CONNECT_TIMEOUTS = /^(Connection timeout|Greeting never received)/;

function synthetic(kind: keyof typeof SyntheticReplies, detail?: string): SmtpReply {
  const base = SyntheticReplies[kind];
  const text = detail ? `${base.text} (${detail})` : base.text;
  return { ...base, text: text.slice(0, MAX_REPLY_TEXT) };
}

/** The reply that describes a failed transaction, for recipients without a reply of their own. */
export function replyForError(err: SmtpErrorLike): SmtpReply {
  // Our TLS policy failed (e.g. required, and the peer refused STARTTLS): temporary, whatever the peer replied.
  if (err.code === 'ETLS') return synthetic('TLS_FAILED', err.message.split(':')[0]);
  const peer = parseSmtpReply(err.response);
  // A 2xx/3xx "response" on an error is the last line before a drop, not a verdict.
  if (peer && peer.code >= 400) return peer;
  const detail = err.message.split(':')[0];
  switch (err.code) {
    case 'EDNS':
      return synthetic('DNS_FAILED', detail);
    case 'EENVELOPE':
      return synthetic(/sender/i.test(err.message) ? 'BAD_SENDER' : 'BAD_RECIPIENT');
    case 'EMESSAGE':
      return /larger than allowed/.test(err.message)
        ? synthetic('TOO_BIG')
        : synthetic('CONNECTION_LOST', detail);
  }
  // Our sockets resolve the hop with the system resolver; nodemailer relabels the error ESOCKET.
  if (err.syscall === 'getaddrinfo') return synthetic('DNS_FAILED', detail);
  if (
    err.syscall === 'connect' ||
    CONNECT_ERRNO.test(err.message) ||
    CONNECT_TIMEOUTS.test(err.message)
  ) {
    return synthetic('CONNECT_FAILED', detail);
  }
  if (
    ['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE'].includes(err.code ?? '') ||
    /closed/i.test(err.message)
  ) {
    return synthetic('CONNECTION_LOST', detail);
  }
  return synthetic('UNKNOWN', detail);
}

function resultFor(recipient: string, reply: SmtpReply, mxHost: string): DeliveryResult {
  return { recipient, outcome: outcomeOf(reply.code), reply, mxHost };
}

/** Recipients the peer refused at RCPT while the transaction went on (or failed) for the others. */
function refusedRecipients(errors: SmtpErrorLike[] | undefined): Map<string, SmtpReply> {
  const refused = new Map<string, SmtpReply>();
  for (const e of errors ?? [])
    if (e.recipient !== undefined) refused.set(e.recipient, replyForError(e));
  return refused;
}

/** A transaction that ended with the message accepted for at least one recipient. */
export function resultsFromInfo(
  info: SendInfoLike,
  recipients: readonly string[],
  mxHost: string,
): DeliveryResult[] {
  const accepted = parseSmtpReply(info.response) ?? {
    code: 250,
    enhancedCode: '2.0.0',
    text: 'accepted',
  };
  const refused = refusedRecipients(info.rejectedErrors);
  return recipients.map((r) => resultFor(r, refused.get(r) ?? accepted, mxHost));
}

/**
 * A transaction that failed: per-recipient RCPT replies where the peer gave them, the failure's
 * reply for the rest. nodemailer attaches RCPT refusals only when every recipient was refused;
 * if the peer refused some at RCPT and then failed DATA, those get the DATA reply, and their own
 * refusal shows again on the next attempt.
 */
export function resultsFromError(
  err: SmtpErrorLike,
  recipients: readonly string[],
  mxHost: string,
): DeliveryResult[] {
  const refused = refusedRecipients(err.rejectedErrors);
  const general = replyForError(err);
  return recipients.map((r) => resultFor(r, refused.get(r) ?? general, mxHost));
}
