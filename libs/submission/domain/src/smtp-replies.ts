// The submission server's single catalogue of SMTP replies: every refusal or
// acceptance it sends carries a basic code and an RFC 3463 enhanced code from here.
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
  SENDER_NOT_ALLOWED: {
    code: 550,
    enhanced: '5.7.1',
    text: 'Sender address not allowed for this credential',
  },
  TOO_MANY_RECIPIENTS: { code: 452, enhanced: '4.5.3', text: 'Too many recipients' },
  MESSAGE_TOO_BIG: { code: 552, enhanced: '5.3.4', text: 'Message size exceeds fixed limit' },
  BARE_LF: {
    code: 550,
    enhanced: '5.5.2',
    text: 'Bare CR, bare LF or NUL in message data refused (possible SMTP smuggling)',
  },
  QUEUE_UNAVAILABLE: {
    code: 451,
    enhanced: '4.3.0',
    text: 'Queue temporarily unavailable, message not accepted, try again later',
  },
  QUEUED: { code: 250, enhanced: '2.0.0', text: 'Queued as' },
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
