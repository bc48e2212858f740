// The submission server's single catalogue of SMTP replies: every refusal or
// acceptance it sends carries a basic code and an RFC 3463 enhanced code from here.
// A 421 always closes the session (smtp-server closes after sending one).
export const SmtpReplies = {
  AUTH_REQUIRED: { code: 530, enhanced: '5.7.0', text: 'Authentication required' },
  ENCRYPTION_REQUIRED: {
    code: 538,
    enhanced: '5.7.11',
    text: 'Encryption required for requested authentication mechanism',
  },
  AUTH_SUCCEEDED: { code: 235, enhanced: '2.7.0', text: 'Authentication successful' },
  AUTH_FAILED: { code: 535, enhanced: '5.7.8', text: 'Authentication credentials invalid' },
  AUTH_UNAVAILABLE: { code: 454, enhanced: '4.7.0', text: 'Temporary authentication failure' },
  AUTH_LOCKED: {
    code: 421,
    enhanced: '4.7.0',
    text: 'Too many authentication failures, try again later',
  },
  SENDER_NOT_ALLOWED: {
    code: 550,
    enhanced: '5.7.1',
    text: 'Sender address not allowed for this credential',
  },
  FROM_HEADER_NOT_ALLOWED: {
    code: 550,
    enhanced: '5.7.1',
    text: 'From header address not allowed for this credential',
  },
  FROM_HEADER_INVALID: {
    code: 550,
    enhanced: '5.6.0',
    text: 'A message needs exactly one From header field with an address (RFC 5322 3.6)',
  },
  RATE_LIMITED: {
    code: 450,
    enhanced: '4.7.1',
    text: 'Sending rate limit of this credential reached, try again later',
  },
  NON_ASCII_ADDRESS: {
    code: 553,
    enhanced: '5.6.7',
    text: 'Non-ASCII address needs the SMTPUTF8 parameter on MAIL FROM (RFC 6531)',
  },
  TOO_MANY_RECIPIENTS: { code: 452, enhanced: '4.5.3', text: 'Too many recipients' },
  MESSAGE_TOO_BIG: { code: 552, enhanced: '5.3.4', text: 'Message size exceeds fixed limit' },
  BARE_LF: {
    code: 550,
    enhanced: '5.5.2',
    text: 'Bare CR, bare LF or NUL in message data refused (possible SMTP smuggling)',
  },
  DATA_LINE_TOO_LONG: {
    code: 500,
    enhanced: '5.5.2',
    text: 'Line too long: message lines are limited to 1000 octets including CRLF (RFC 5321 4.5.3.1.6)',
  },
  COMMAND_TOO_LONG: { code: 500, enhanced: '5.5.2', text: 'Line too long' },
  QUEUE_UNAVAILABLE: {
    code: 451,
    enhanced: '4.3.0',
    text: 'Queue temporarily unavailable, message not accepted, try again later',
  },
  QUEUED: { code: 250, enhanced: '2.0.0', text: 'Queued as' },
  /** Trusted listener: the credential it submits as is missing or disabled (a configuration fault). */
  TRUSTED_IDENTITY_UNAVAILABLE: {
    code: 451,
    enhanced: '4.3.5',
    text: 'Sender identity of the trusted listener is not configured or disabled, try again later',
  },
  /** Trusted listener: the peer is outside POSTLINE_SUBMISSION_TRUSTED_NETWORKS (sent instead of a greeting). */
  UNTRUSTED_NETWORK: {
    code: 554,
    enhanced: '5.7.1',
    text: 'Access denied: this port accepts mail only from trusted networks',
  },
  // Session-level refusals: sent at the greeting or mid-session, then the connection closes.
  TOO_MANY_CONNECTIONS: {
    code: 421,
    enhanced: '4.7.0',
    text: 'Too many connections, try again later',
  },
  TOO_MANY_CONNECTIONS_FROM_IP: {
    code: 421,
    enhanced: '4.7.0',
    text: 'Too many connections from your address, try again later',
  },
  SHUTTING_DOWN: {
    code: 421,
    enhanced: '4.3.2',
    text: 'Service shutting down, try again later',
  },
  IDLE_TIMEOUT: { code: 421, enhanced: '4.4.2', text: 'Idle timeout, closing connection' },
  SESSION_TIME_EXCEEDED: {
    code: 421,
    enhanced: '4.4.2',
    text: 'Session time limit reached, closing connection',
  },
  DATA_TOO_SLOW: {
    code: 421,
    enhanced: '4.4.2',
    text: 'Message data arriving too slowly, closing connection; nothing was queued',
  },
  LINE_TOO_LONG_CLOSING: {
    code: 421,
    enhanced: '4.7.0',
    text: 'Line too long, closing connection',
  },
  TOO_MANY_BAD_COMMANDS: {
    code: 421,
    enhanced: '4.7.0',
    text: 'Too many unrecognized commands, closing connection',
  },
  TOO_MANY_UNAUTHENTICATED: {
    code: 421,
    enhanced: '4.7.0',
    text: 'Too many commands without authentication, closing connection',
  },
  EARLY_TALKER: {
    code: 421,
    enhanced: '4.7.0',
    text: 'Client talked before the greeting, closing connection',
  },
  NOT_SMTP: { code: 421, enhanced: '4.7.0', text: 'Not an SMTP client, closing connection' },
  /** A PROXY protocol header from a peer that is not an allow-listed load balancer. */
  PROXY_NOT_ALLOWED: {
    code: 421,
    enhanced: '4.7.0',
    text: 'PROXY header not accepted from this address, closing connection',
  },
} as const;

export type SmtpReplyReason = keyof typeof SmtpReplies;
export const SmtpReplyReasons = Object.keys(SmtpReplies) as SmtpReplyReason[];

export interface SmtpReply {
  readonly code: number;
  readonly enhanced: string;
  readonly text: string;
}

/** The reply line after the basic code ("5.7.0 Authentication required"), with optional detail. */
export function replyText(reason: SmtpReplyReason, detail?: string): string {
  const r = SmtpReplies[reason];
  return `${r.enhanced} ${r.text}${detail ? ` ${detail}` : ''}`;
}

/** The catalogue entry a reply line was built from, if any (for metrics on what was sent). */
export function reasonOfReply(code: number, text: string): SmtpReplyReason | undefined {
  return SmtpReplyReasons.find((reason) => {
    const r = SmtpReplies[reason];
    return r.code === code && text.startsWith(`${r.enhanced} ${r.text}`);
  });
}

/**
 * An SMTP refusal shaped the way smtp-server reads callback errors
 * (`responseCode` + message); `reason` is the bounded label for metrics.
 */
export class SmtpRefusal extends Error {
  readonly responseCode: number;
  constructor(
    readonly reason: SmtpReplyReason,
    detail?: string,
  ) {
    super(replyText(reason, detail));
    this.name = 'SmtpRefusal';
    this.responseCode = SmtpReplies[reason].code;
  }
}

/** True when a reply text already starts with an RFC 3463 enhanced status code. */
export function hasEnhancedCode(text: string): boolean {
  return /^[245]\.\d{1,3}\.\d{1,3}(\s|$)/.test(text);
}
