// One handler per SMTP phase (AUTH, MAIL, RCPT, DATA) for smtp-server. Each asks
// the guard dispatcher first; DATA then runs the line guard, the RFC 6409
// fix-ups and durable acceptance, and answers 250 only after Kafka acknowledged.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  applySubmissionFixups,
  DataLineGuard,
  decoyHash,
  replyText,
  SmtpRefusal,
  verifySecret,
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
import type { MessageAcceptor } from './message-acceptor';
import { checkGuards, userOf, type GuardPolicy, type SubmissionUser } from './submission-guards';
import type { SubmissionMetrics } from './submission.metrics';

type Done = (err?: Error | null) => void;

export interface HandlerDeps {
  store: CredentialStore;
  acceptor: MessageAcceptor;
  metrics: SubmissionMetrics;
  logger: Logger;
  policy: GuardPolicy;
  hostname: string;
  maxMessageBytes: number;
}

export class SubmissionHandlers {
  constructor(private readonly deps: HandlerDeps) {}

  async onAuth(
    auth: SMTPServerAuthentication,
    session: SMTPServerSession,
    done: (err: Error | null | undefined, res?: SMTPServerAuthenticationResponse) => void,
  ): Promise<void> {
    const refusal = checkGuards({ phase: 'AUTH', session }, this.deps.policy);
    if (refusal) {
      this.deps.metrics.authAttempt('refused');
      return done(refusal);
    }
    try {
      const user = await this.authenticate(auth.username ?? '', auth.password ?? '');
      this.deps.metrics.authAttempt(user ? 'succeeded' : 'failed');
      this.deps.logger.info(
        {
          event: user ? 'smtp_auth_ok' : 'smtp_auth_failed',
          session: session.id,
          method: auth.method,
        },
        'SMTP AUTH',
      );
      return user ? done(null, { user }) : done(new SmtpRefusal('AUTH_FAILED'));
    } catch (e) {
      this.deps.logger.error(
        { event: 'smtp_auth_error', session: session.id, err: e },
        'AUTH failed',
      );
      return done(new SmtpRefusal('AUTH_UNAVAILABLE'));
    }
  }

  onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, done: Done): void {
    done(checkGuards({ phase: 'MAIL', session, mailFrom: address.address }, this.deps.policy));
  }

  onRcptTo(_address: SMTPServerAddress, session: SMTPServerSession, done: Done): void {
    done(checkGuards({ phase: 'RCPT', session }, this.deps.policy));
  }

  onData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    done: (err?: Error | null, message?: string) => void,
  ): void {
    const guard = new DataLineGuard();
    const chunks: Buffer[] = [];
    let bytes = 0;
    (stream as Readable).pipe(guard);
    guard.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      // Past the limit the message is refused anyway: stop holding it in memory.
      if (bytes <= this.deps.maxMessageBytes) chunks.push(chunk);
    });
    guard.on('end', () => {
      const refusal = checkGuards(
        { phase: 'DATA_END', sizeExceeded: stream.sizeExceeded, violation: guard.violation },
        this.deps.policy,
      );
      if (refusal) {
        this.deps.metrics.refused(refusal.reason);
        this.deps.logger.info(
          {
            event: 'smtp_message_refused',
            session: session.id,
            reason: refusal.reason,
            violation: guard.violation,
          },
          'message refused',
        );
        return done(refusal);
      }
      void this.acceptMessage(Buffer.concat(chunks), session, done);
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
    const queueId = randomBytes(16).toString('hex');
    const receivedAt = new Date();
    const cipher = session.tlsOptions as unknown as { name?: string; version?: string } | false;
    const { message } = applySubmissionFixups(raw, {
      heloName: session.hostNameAppearsAs,
      clientAddress: session.remoteAddress,
      serverName: this.deps.hostname,
      queueId,
      authenticated: true,
      tls:
        cipher && cipher.name
          ? { version: cipher.version ?? 'TLS', cipher: cipher.name }
          : undefined,
      receivedAt,
    });
    try {
      await this.deps.acceptor.accept({
        queueId,
        tenantId: user.tenantId,
        mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        recipients: session.envelope.rcptTo.map((r) => r.address),
        rawMime: message,
        receivedAt,
      });
    } catch (e) {
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
    const cred = await this.deps.store.find(username);
    if (!cred) {
      await verifySecret(secret, await decoyHash());
      return undefined;
    }
    const ok = await verifySecret(secret, cred.secret);
    if (!ok || !cred.enabled) return undefined;
    return {
      username: cred.username,
      tenantId: cred.tenantId,
      allowedSenderDomains: cred.allowedSenderDomains,
      maxRecipients: cred.maxRecipients,
    };
  }
}
