// One handler per SMTP phase (AUTH, MAIL, RCPT, DATA) for smtp-server. Each asks
// the guard dispatcher first; AUTH records failures with the brute-force
// limiter and answers them after its growing delay; MAIL on the trusted
// listener first takes the configured credential's identity instead of AUTH;
// DATA then runs the line guard, the RFC 6409 fix-ups and durable acceptance,
// and answers 250 only after Kafka acknowledged.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  applySubmissionFixups,
  clientKey,
  DataLineGuard,
  mailExtensionNeeds,
  decoyHash,
  MAX_TEXT_LINE_BYTES,
  replyText,
  SmtpRefusal,
  verifySecret,
  type SecretHash,
} from '@postline/submission/domain';
import type { Logger } from 'pino';
import type {
  SMTPServerAddress,
  SMTPServerAuthentication,
  SMTPServerAuthenticationResponse,
  SMTPServerDataStream,
  SMTPServerSession,
} from 'smtp-server';
import type { CredentialStore } from './credential.store';
import { RecordTooLargeError, type MessageAcceptor } from './message-acceptor';
import {
  credentialUser,
  rateKey,
  setUser,
  userOf,
  type SubmissionGuards,
  type SubmissionUser,
} from './submission-guards';
import type { TrustedIdentity } from './trusted-identity';
import type { SubmissionMetrics } from './submission.metrics';

type Done = (err?: Error | null) => void;

export interface HandlerDeps {
  store: CredentialStore;
  acceptor: MessageAcceptor;
  metrics: SubmissionMetrics;
  logger: Logger;
  guards: SubmissionGuards;
  hostname: string;
  maxMessageBytes: number;
  /** Message text lines including CRLF (RFC 5321: 1000). */
  maxLineBytes?: number;
  /** The identity of the trusted listener's mail; absent when that listener is off. */
  trusted?: TrustedIdentity;
  /** Tests count calls through this; production uses scrypt from the domain. */
  verifySecret?: (secret: string, stored: SecretHash) => Promise<boolean>;
}

export class SubmissionHandlers {
  constructor(private readonly deps: HandlerDeps) {}

  async onAuth(
    auth: SMTPServerAuthentication,
    session: SMTPServerSession,
    done: (err: Error | null | undefined, res?: SMTPServerAuthenticationResponse) => void,
  ): Promise<void> {
    const { guards, metrics, logger } = this.deps;
    const client = clientKey(session.remoteAddress);
    const username = auth.username ?? '';
    const refusal = guards.check({ phase: 'AUTH', session, client, username });
    if (refusal) {
      metrics.authAttempt(refusal.reason === 'AUTH_LOCKED' ? 'locked' : 'refused');
      return done(refusal);
    }
    let user: SubmissionUser | undefined;
    try {
      user = await this.authenticate(username, auth.password ?? '');
    } catch (e) {
      logger.error({ event: 'smtp_auth_error', session: session.id, err: e }, 'AUTH failed');
      return done(new SmtpRefusal('AUTH_UNAVAILABLE'));
    }
    const log = { session: session.id, method: auth.method };
    if (user) {
      guards.authLimiter.recordSuccess(client, username);
      metrics.authAttempt('success');
      logger.info({ event: 'smtp_auth_ok', ...log }, 'SMTP AUTH');
      return done(null, { user });
    }
    // Unknown username, wrong secret and disabled credential all end here, alike.
    const outcome = guards.authLimiter.recordFailure(client, username);
    metrics.authAttempt('failure');
    if (outcome.lockout) metrics.authLockout(outcome.lockout);
    logger.info(
      { event: 'smtp_auth_failed', ...log, delayMs: outcome.delayMs, lockout: outcome.lockout },
      'SMTP AUTH',
    );
    if (outcome.delayMs > 0) await sleep(outcome.delayMs);
    done(guards.check({ phase: 'AUTH_FAILED', outcome }));
  }

  onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, done: Done): void {
    done(this.deps.guards.check({ phase: 'MAIL', session, mailFrom: address.address }));
  }

  /**
   * MAIL on the trusted listener (the peer passed the trusted-network check at
   * connect): each transaction takes the configured credential's current
   * identity, then MAIL's usual guards (sender domains, rates) apply to it.
   */
  async onTrustedMailFrom(
    address: SMTPServerAddress,
    session: SMTPServerSession,
    done: Done,
  ): Promise<void> {
    const { trusted, logger } = this.deps;
    let user: SubmissionUser | undefined;
    try {
      user = await trusted?.user();
    } catch (e) {
      logger.error({ event: 'smtp_trusted_identity_error', session: session.id, err: e }, 'MAIL');
      return done(new SmtpRefusal('AUTH_UNAVAILABLE'));
    }
    if (!user) {
      logger.warn(
        {
          event: 'smtp_trusted_identity_missing',
          session: session.id,
          credential: trusted?.username,
        },
        'trusted listener credential missing or disabled',
      );
      return done(new SmtpRefusal('TRUSTED_IDENTITY_UNAVAILABLE'));
    }
    setUser(session, user);
    this.onMailFrom(address, session, done);
  }

  onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, done: Done): void {
    done(this.deps.guards.check({ phase: 'RCPT', session, rcptTo: address.address }));
  }

  onData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    done: (err?: Error | null, message?: string) => void,
  ): void {
    const guard = new DataLineGuard(this.deps.maxLineBytes ?? MAX_TEXT_LINE_BYTES);
    const chunks: Buffer[] = [];
    let bytes = 0;
    (stream as Readable).pipe(guard);
    // The session was cut before the final dot (client gone, 421): nothing to accept.
    stream.once('close', () => {
      if (!stream.readableEnded) guard.destroy();
    });
    guard.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      // Past the limit the message is refused anyway: stop holding it in memory.
      if (bytes <= this.deps.maxMessageBytes) chunks.push(chunk);
    });
    guard.on('end', () => {
      const message = Buffer.concat(chunks);
      const refusal = this.deps.guards.check({
        phase: 'DATA_END',
        session,
        message,
        sizeExceeded: stream.sizeExceeded,
        violation: guard.violation,
        longLine: guard.longLine,
      });
      if (refusal) {
        this.deps.metrics.refused(refusal.reason);
        this.deps.logger.info(
          {
            event: 'smtp_message_refused',
            session: session.id,
            reason: refusal.reason,
            violation: guard.violation,
            longLine: guard.longLine,
          },
          'message refused',
        );
        return done(refusal);
      }
      void this.acceptMessage(message, session, done);
    });
  }

  private async acceptMessage(
    raw: Buffer,
    session: SMTPServerSession,
    done: (err?: Error | null, message?: string) => void,
  ): Promise<void> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const user = userOf(session) as SubmissionUser;
    // 122 random bits from the runtime's batched entropy pool: no random syscall per message.
    const queueId = randomUUID().replace(/-/g, '');
    const receivedAt = new Date();
    const cipher = session.tlsOptions as unknown as { name?: string; version?: string } | false;
    const { message } = applySubmissionFixups(raw, {
      heloName: session.hostNameAppearsAs,
      clientAddress: session.remoteAddress,
      serverName: this.deps.hostname,
      queueId,
      authenticated: !user.trustedNetwork,
      tls:
        cipher && cipher.name
          ? { version: cipher.version ?? 'TLS', cipher: cipher.name }
          : undefined,
      receivedAt,
    });
    try {
      const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const recipients = session.envelope.rcptTo.map((r) => r.address);
      await this.deps.acceptor.accept({
        queueId,
        tenantId: user.tenantId,
        mailFrom,
        recipients,
        rawMime: message,
        receivedAt,
        needs: mailExtensionNeeds({
          smtpUtf8Declared: session.envelope.smtpUtf8 === true,
          bodyType: session.envelope.bodyType,
          addresses: [mailFrom, ...recipients],
          message: raw,
        }),
      });
    } catch (e) {
      if (e instanceof RecordTooLargeError) {
        this.deps.metrics.refused('MESSAGE_TOO_BIG', seconds());
        return done(new SmtpRefusal('MESSAGE_TOO_BIG', '(larger than one queue record)'));
      }
      this.deps.metrics.refused('QUEUE_UNAVAILABLE', seconds());
      this.deps.logger.warn(
        {
          event: 'smtp_message_tempfailed',
          session: session.id,
          queueId,
          err: (e as Error).message,
        },
        'message not accepted: Kafka did not acknowledge',
      );
      return done(new SmtpRefusal('QUEUE_UNAVAILABLE'));
    }
    this.deps.guards.rates.recordAccepted(rateKey(user), session.envelope.rcptTo.length);
    this.deps.metrics.accepted(raw.length, seconds());
    this.deps.logger.info(
      {
        event: 'smtp_message_queued',
        session: session.id,
        queueId,
        bytes: raw.length,
        recipients: session.envelope.rcptTo.length,
      },
      'message queued',
    );
    done(null, replyText('QUEUED', queueId));
  }

  /** Unknown users cost one scrypt too, so timing does not reveal which usernames exist. */
  private async authenticate(
    username: string,
    secret: string,
  ): Promise<SubmissionUser | undefined> {
    const verify = this.deps.verifySecret ?? verifySecret;
    const cred = await this.deps.store.find(username);
    if (!cred) {
      await verify(secret, await decoyHash());
      return undefined;
    }
    const ok = await verify(secret, cred.secret);
    if (!ok || !cred.enabled) return undefined;
    return credentialUser(cred);
  }
}
