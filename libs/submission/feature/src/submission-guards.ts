// Every ingress guard of the submission server in one dispatcher: each SMTP
// phase (connect, each command line, AUTH, MAIL, RCPT, end of DATA) asks it for
// a verdict — undefined to go on, or a refusal from the reply catalogue — so
// policy lives in one place and the phase handlers stay plain. The state the
// verdicts read (session counts, AUTH failures, sending rates) lives in the
// gate, limiter and rates it holds; handlers record into those and ask here
// what to answer.
import {
  AuthFailureLimiter,
  checkHeaderFrom,
  ConnectionGate,
  CredentialRates,
  headerFromRefusalDetail,
  SmtpRefusal,
  senderAllowed,
  utf8AddressAllowed,
  type RateLimits,
  type DataViolation,
  type FailureOutcome,
  type LongLine,
  type TrustedNetworks,
} from '@postline/submission/domain';
import type { SMTPServerSession } from 'smtp-server';
import type { CredentialRecord } from './credential.store';
import type { ListenerKind } from './submission.metrics';

/** What a successful AUTH leaves on the session (smtp-server's session.user). */
export interface SubmissionUser {
  username: string;
  tenantId: string;
  allowedSenderDomains: string[];
  maxRecipients: number;
  /** The credential's own rates; absent means the server's. */
  messagesPerMinute?: number;
  recipientsPerMinute?: number;
  /** Submitting without AUTH from a trusted network, as the trusted listener's credential. */
  trustedNetwork?: boolean;
}

/** What a session may do as this credential (after AUTH, or on the trusted listener). */
export function credentialUser(cred: CredentialRecord): SubmissionUser {
  return {
    username: cred.username,
    tenantId: cred.tenantId,
    allowedSenderDomains: cred.allowedSenderDomains,
    maxRecipients: cred.maxRecipients,
    messagesPerMinute: cred.messagesPerMinute,
    recipientsPerMinute: cred.recipientsPerMinute,
  };
}

/** RFC 4954 §4: an AUTH command line (with its initial response) may be 12288 octets. */
export const MAX_AUTH_LINE_BYTES = 12288;

export type GuardCheck =
  /** `client` is the limits key (clientKey), `address` the peer's own address. */
  | { phase: 'CONNECT'; client: string; address: string; listener: ListenerKind }
  /** `lineBytes` without CRLF; `auth` for AUTH commands and SASL continuation lines. */
  | { phase: 'COMMAND'; lineBytes: number; auth: boolean }
  | { phase: 'AUTH'; session: SMTPServerSession; client: string; username: string }
  | { phase: 'AUTH_FAILED'; outcome: FailureOutcome }
  | { phase: 'MAIL'; session: SMTPServerSession; mailFrom: string }
  | { phase: 'RCPT'; session: SMTPServerSession; rcptTo: string }
  | {
      phase: 'DATA_END';
      session: SMTPServerSession;
      /** The message as received (truncated when sizeExceeded). */
      message: Buffer;
      sizeExceeded: boolean;
      violation?: DataViolation;
      longLine?: LongLine;
    };

export interface GuardPolicy {
  allowInsecureAuth: boolean;
  maxRecipients: number;
  /** RFC 5321 4.5.3.1.4: 512 octets including CRLF. */
  maxCommandLineBytes: number;
  /** The most any credential may send per minute (and the default of one that sets nothing). */
  rates: RateLimits;
  /** Who may use the trusted listener; absent or empty: nobody. */
  trustedNetworks?: TrustedNetworks;
}

export function userOf(session: SMTPServerSession): SubmissionUser | undefined {
  return session.user as SubmissionUser | undefined;
}

/** Gives the session its identity (smtp-server's types say a string; it keeps any value). */
export function setUser(session: SMTPServerSession, user: SubmissionUser): void {
  (session as unknown as { user: SubmissionUser }).user = user;
}

/** The key a credential's sending rates count under. */
export function rateKey(user: SubmissionUser): string {
  return `${user.tenantId}/${user.username}`;
}

export class SubmissionGuards {
  constructor(
    readonly policy: GuardPolicy,
    readonly gate: ConnectionGate,
    readonly authLimiter: AuthFailureLimiter,
    readonly rates: CredentialRates,
  ) {}

  check(check: GuardCheck): SmtpRefusal | undefined {
    switch (check.phase) {
      case 'CONNECT':
        return this.connect(check);
      case 'COMMAND': {
        const limit = check.auth ? MAX_AUTH_LINE_BYTES : this.policy.maxCommandLineBytes;
        return check.lineBytes + 2 > limit ? new SmtpRefusal('COMMAND_TOO_LONG') : undefined;
      }
      case 'AUTH':
        return this.auth(check.session, check.client, check.username);
      case 'AUTH_FAILED':
        return new SmtpRefusal(check.outcome.lockout ? 'AUTH_LOCKED' : 'AUTH_FAILED');
      case 'MAIL':
        return this.mail(check.session, check.mailFrom);
      case 'RCPT':
        return this.rcpt(check.session, check.rcptTo);
      case 'DATA_END':
        return this.dataEnd(check);
    }
  }

  /** The rates that hold for this user: its own, never above the server's. */
  limitsOf(user: SubmissionUser): RateLimits {
    const ceiling = this.policy.rates;
    return {
      messagesPerMinute: Math.min(
        user.messagesPerMinute ?? ceiling.messagesPerMinute,
        ceiling.messagesPerMinute,
      ),
      recipientsPerMinute: Math.min(
        user.recipientsPerMinute ?? ceiling.recipientsPerMinute,
        ceiling.recipientsPerMinute,
      ),
    };
  }

  private mail(session: SMTPServerSession, mailFrom: string): SmtpRefusal | undefined {
    const user = userOf(session);
    if (!user) return new SmtpRefusal('AUTH_REQUIRED');
    if (!utf8AddressAllowed(mailFrom, session.envelope.smtpUtf8 === true))
      return new SmtpRefusal('NON_ASCII_ADDRESS');
    if (!senderAllowed(mailFrom, user.allowedSenderDomains))
      return new SmtpRefusal('SENDER_NOT_ALLOWED');
    const limits = this.limitsOf(user);
    return this.rates.messageAllowed(rateKey(user), limits)
      ? undefined
      : new SmtpRefusal('RATE_LIMITED', `(${limits.messagesPerMinute} messages per minute)`);
  }

  private dataEnd(check: Extract<GuardCheck, { phase: 'DATA_END' }>): SmtpRefusal | undefined {
    // Size first (the body was not kept), then smuggling, then line length, then authorship.
    if (check.sizeExceeded) return new SmtpRefusal('MESSAGE_TOO_BIG');
    if (check.violation) return new SmtpRefusal('BARE_LF');
    if (check.longLine) return new SmtpRefusal('DATA_LINE_TOO_LONG');
    const user = userOf(check.session);
    if (!user) return new SmtpRefusal('AUTH_REQUIRED');
    const from = checkHeaderFrom(check.message, user.allowedSenderDomains);
    if (from.ok) return undefined;
    const reason = from.why === 'not-allowed' ? 'FROM_HEADER_NOT_ALLOWED' : 'FROM_HEADER_INVALID';
    return new SmtpRefusal(reason, headerFromRefusalDetail(from));
  }

  /**
   * True when the session is on the trusted listener from a trusted network:
   * it may submit without AUTH and is not held to the per-client session bound.
   */
  trustedPeer(listener: ListenerKind, address: string): boolean {
    return listener === 'trusted' && Boolean(this.policy.trustedNetworks?.contains(address));
  }

  private connect(check: Extract<GuardCheck, { phase: 'CONNECT' }>): SmtpRefusal | undefined {
    const { client, listener, address } = check;
    const trusted = this.trustedPeer(listener, address);
    if (listener === 'trusted' && !trusted) return new SmtpRefusal('UNTRUSTED_NETWORK');
    const verdict = this.gate.verdict(client, !trusted);
    if (verdict === 'SHUTTING_DOWN') return new SmtpRefusal(verdict);
    // An AUTH lockout earned on the public ports guards nothing where no AUTH is asked.
    if (!trusted && this.authLimiter.lockedScope(client) === 'client')
      return new SmtpRefusal('AUTH_LOCKED');
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

  private rcpt(session: SMTPServerSession, rcptTo: string): SmtpRefusal | undefined {
    const user = userOf(session);
    if (!user) return new SmtpRefusal('AUTH_REQUIRED');
    if (!utf8AddressAllowed(rcptTo, session.envelope.smtpUtf8 === true))
      return new SmtpRefusal('NON_ASCII_ADDRESS');
    const limit = Math.min(user.maxRecipients, this.policy.maxRecipients);
    const pending = session.envelope.rcptTo.length;
    if (pending >= limit) return new SmtpRefusal('TOO_MANY_RECIPIENTS', `(limit ${limit})`);
    const limits = this.limitsOf(user);
    return this.rates.recipientAllowed(rateKey(user), limits, pending)
      ? undefined
      : new SmtpRefusal('RATE_LIMITED', `(${limits.recipientsPerMinute} recipients per minute)`);
  }
}
