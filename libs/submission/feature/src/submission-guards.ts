// Every ingress guard of the submission server in one dispatcher: each SMTP
// phase (connect, each command line, AUTH, MAIL, RCPT, end of DATA) asks it for
// a verdict — undefined to go on, or a refusal from the reply catalogue — so
// policy lives in one place and the phase handlers stay plain. The state the
// verdicts read (session counts, AUTH failures) lives in the gate and limiter
// it holds; handlers record into those and ask here what to answer.
import {
  AuthFailureLimiter,
  ConnectionGate,
  SmtpRefusal,
  senderAllowed,
  type DataViolation,
  type FailureOutcome,
  type LongLine,
} from '@postline/submission/domain';
import type { SMTPServerSession } from 'smtp-server';

/** What a successful AUTH leaves on the session (smtp-server's session.user). */
export interface SubmissionUser {
  username: string;
  tenantId: string;
  allowedSenderDomains: string[];
  maxRecipients: number;
}

/** RFC 4954 §4: an AUTH command line (with its initial response) may be 12288 octets. */
export const MAX_AUTH_LINE_BYTES = 12288;

export type GuardCheck =
  | { phase: 'CONNECT'; client: string }
  /** `lineBytes` without CRLF; `auth` for AUTH commands and SASL continuation lines. */
  | { phase: 'COMMAND'; lineBytes: number; auth: boolean }
  | { phase: 'AUTH'; session: SMTPServerSession; client: string; username: string }
  | { phase: 'AUTH_FAILED'; outcome: FailureOutcome }
  | { phase: 'MAIL'; session: SMTPServerSession; mailFrom: string }
  | { phase: 'RCPT'; session: SMTPServerSession }
  | { phase: 'DATA_END'; sizeExceeded: boolean; violation?: DataViolation; longLine?: LongLine };

export interface GuardPolicy {
  allowInsecureAuth: boolean;
  maxRecipients: number;
  /** RFC 5321 4.5.3.1.4: 512 octets including CRLF. */
  maxCommandLineBytes: number;
}

export function userOf(session: SMTPServerSession): SubmissionUser | undefined {
  return session.user as SubmissionUser | undefined;
}

export class SubmissionGuards {
  constructor(
    readonly policy: GuardPolicy,
    readonly gate: ConnectionGate,
    readonly authLimiter: AuthFailureLimiter,
  ) {}

  check(check: GuardCheck): SmtpRefusal | undefined {
    switch (check.phase) {
      case 'CONNECT':
        return this.connect(check.client);
      case 'COMMAND': {
        const limit = check.auth ? MAX_AUTH_LINE_BYTES : this.policy.maxCommandLineBytes;
        return check.lineBytes + 2 > limit ? new SmtpRefusal('COMMAND_TOO_LONG') : undefined;
      }
      case 'AUTH':
        return this.auth(check.session, check.client, check.username);
      case 'AUTH_FAILED':
        return new SmtpRefusal(check.outcome.lockout ? 'AUTH_LOCKED' : 'AUTH_FAILED');
      case 'MAIL': {
        const user = userOf(check.session);
        if (!user) return new SmtpRefusal('AUTH_REQUIRED');
        return senderAllowed(check.mailFrom, user.allowedSenderDomains)
          ? undefined
          : new SmtpRefusal('SENDER_NOT_ALLOWED');
      }
      case 'RCPT':
        return this.rcpt(check.session);
      case 'DATA_END':
        // Size first (the body was not kept), then smuggling, then line length.
        if (check.sizeExceeded) return new SmtpRefusal('MESSAGE_TOO_BIG');
        if (check.violation) return new SmtpRefusal('BARE_LF');
        return check.longLine ? new SmtpRefusal('DATA_LINE_TOO_LONG') : undefined;
    }
  }

  private connect(client: string): SmtpRefusal | undefined {
    const verdict = this.gate.verdict(client);
    if (verdict === 'SHUTTING_DOWN') return new SmtpRefusal(verdict);
    if (this.authLimiter.lockedScope(client) === 'client') return new SmtpRefusal('AUTH_LOCKED');
    return verdict ? new SmtpRefusal(verdict) : undefined;
  }

  private auth(
    session: SMTPServerSession,
    client: string,
    username: string,
  ): SmtpRefusal | undefined {
    // smtp-server refuses AUTH before STARTTLS itself; this covers a listener without TLS.
    if (!session.secure && !this.policy.allowInsecureAuth)
      return new SmtpRefusal('ENCRYPTION_REQUIRED');
    // Checked before any secret is verified: a locked client or username learns nothing more.
    return this.authLimiter.lockedScope(client, username)
      ? new SmtpRefusal('AUTH_LOCKED')
      : undefined;
  }

  private rcpt(session: SMTPServerSession): SmtpRefusal | undefined {
    const user = userOf(session);
    if (!user) return new SmtpRefusal('AUTH_REQUIRED');
    const limit = Math.min(user.maxRecipients, this.policy.maxRecipients);
    return session.envelope.rcptTo.length >= limit
      ? new SmtpRefusal('TOO_MANY_RECIPIENTS', `(limit ${limit})`)
      : undefined;
  }
}
