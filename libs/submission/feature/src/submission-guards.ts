// Every ingress guard of the submission server in one dispatcher: each SMTP
// phase asks it for a verdict (undefined = go on, or a refusal from the reply
// catalogue) so policy lives in one place and the phase handlers stay plain.
import { SmtpRefusal, senderAllowed, type DataViolation } from '@postline/submission/domain';
import type { SMTPServerSession } from 'smtp-server';

/** What a successful AUTH leaves on the session (smtp-server's session.user). */
export interface SubmissionUser {
  username: string;
  tenantId: string;
  allowedSenderDomains: string[];
  maxRecipients: number;
}

export type GuardCheck =
  | { phase: 'AUTH'; session: SMTPServerSession }
  | { phase: 'MAIL'; session: SMTPServerSession; mailFrom: string }
  | { phase: 'RCPT'; session: SMTPServerSession }
  | { phase: 'DATA_END'; sizeExceeded: boolean; violation?: DataViolation };

export interface GuardPolicy {
  allowInsecureAuth: boolean;
  maxRecipients: number;
}

export function userOf(session: SMTPServerSession): SubmissionUser | undefined {
  return session.user as SubmissionUser | undefined;
}

export function checkGuards(check: GuardCheck, policy: GuardPolicy): SmtpRefusal | undefined {
  switch (check.phase) {
    case 'AUTH':
      // smtp-server refuses AUTH before STARTTLS itself; this covers a listener without TLS.
      return !check.session.secure && !policy.allowInsecureAuth
        ? new SmtpRefusal('ENCRYPTION_REQUIRED')
        : undefined;
    case 'MAIL': {
      const user = userOf(check.session);
      if (!user) return new SmtpRefusal('AUTH_REQUIRED');
      return senderAllowed(check.mailFrom, user.allowedSenderDomains)
        ? undefined
        : new SmtpRefusal('SENDER_NOT_ALLOWED');
    }
    case 'RCPT': {
      const user = userOf(check.session);
      if (!user) return new SmtpRefusal('AUTH_REQUIRED');
      const limit = Math.min(user.maxRecipients, policy.maxRecipients);
      return check.session.envelope.rcptTo.length >= limit
        ? new SmtpRefusal('TOO_MANY_RECIPIENTS', `(limit ${limit})`)
        : undefined;
    }
    case 'DATA_END':
      if (check.sizeExceeded) return new SmtpRefusal('MESSAGE_TOO_BIG');
      return check.violation ? new SmtpRefusal('BARE_LF') : undefined;
  }
}
