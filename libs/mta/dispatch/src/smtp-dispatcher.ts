// SMTP delivery agent: one transaction per call on a reused session to the
// next hop (see smtp-session-pool.ts). The raw MIME goes out byte for byte with
// an explicit envelope; recipients are pipelined when the peer offers
// PIPELINING. How many sessions run at once is decided upstream by the queue
// manager's per-domain budgets; this agent only keeps sessions open and healthy.
import type { NextHop } from '@postline/mta/routing';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { DeliveryResult, Dispatcher, SmtpEnvelope, SmtpReply } from './dispatch.types';
import {
  resultsFromError,
  resultsFromInfo,
  type SendInfoLike,
  type SmtpErrorLike,
} from './reply-mapping';
import { SmtpSessionPool, type SessionTarget, type TlsMode } from './smtp-session-pool';

export interface SmtpDispatcherOptions {
  /** Our name in EHLO; receivers check it against our PTR record. */
  ehloName: string;
  /** Default for deliveries that do not say (a domain policy usually does). */
  maxMessagesPerConnection: number;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  /** Inactivity limit on an open connection, including while waiting for the reply after DATA. */
  socketTimeoutMs: number;
  /** Verify STARTTLS certificates of hops marked local too (default false: local sinks rarely have CA-issued certificates). */
  verifyLocalTls?: boolean;
  /** An idle session is closed after this long (default 10 s). */
  idleSessionTimeoutMs?: number;
}

/** Per-delivery choices that come from the domain's policy. */
export interface DeliveryOptions {
  tls?: TlsMode;
  maxMessagesPerConnection?: number;
  /** Source address to connect from (one of the IPs of the message's pool). */
  localAddress?: string;
}

/** What the agent learned about the session, for events and metrics. */
export interface DeliveryMeta {
  tls: boolean;
}

export class SmtpDispatcher implements Dispatcher {
  private readonly sessions: SmtpSessionPool;
  private closed = false;

  constructor(private readonly opts: SmtpDispatcherOptions) {
    this.sessions = new SmtpSessionPool({
      ehloName: opts.ehloName,
      connectionTimeoutMs: opts.connectionTimeoutMs,
      greetingTimeoutMs: opts.greetingTimeoutMs,
      socketTimeoutMs: opts.socketTimeoutMs,
      idleTimeoutMs: opts.idleSessionTimeoutMs ?? 10_000,
    });
  }

  async deliver(
    hop: NextHop,
    envelope: SmtpEnvelope,
    raw: Buffer,
    options: DeliveryOptions = {},
    meta?: DeliveryMeta,
  ): Promise<DeliveryResult[]> {
    if (this.closed) throw new Error('SmtpDispatcher is closed');
    const target: SessionTarget = {
      host: hop.host,
      port: hop.port,
      tls: options.tls ?? 'opportunistic',
      verifyTls: !hop.local || (this.opts.verifyLocalTls ?? false),
      localAddress: options.localAddress,
    };
    let session;
    try {
      session = await this.sessions.acquire(target);
    } catch (e) {
      return resultsFromError(e as SmtpErrorLike, envelope.rcptTo, hop.host);
    }
    if (meta) meta.tls = session.secure;
    const maxMessages = options.maxMessagesPerConnection ?? this.opts.maxMessagesPerConnection;
    if (envelope.smtpUtf8 && !offers(session.connection, 'SMTPUTF8')) {
      // RFC 6531 §3.2: no downgrade; the session stays clean for the next message.
      this.sessions.release(target, session, maxMessages);
      return envelope.rcptTo.map((recipient) => ({
        recipient,
        outcome: 'bounced',
        reply: NO_SMTPUTF8,
        mxHost: hop.host,
      }));
    }
    try {
      const info = await send(session.connection, envelope, raw);
      session.messages++;
      this.sessions.release(target, session, maxMessages);
      return resultsFromInfo(info, envelope.rcptTo, hop.host);
    } catch (e) {
      const err = e as SmtpErrorLike;
      session.messages++;
      await this.afterFailure(target, session, err, maxMessages);
      return resultsFromError(err, envelope.rcptTo, hop.host);
    }
  }

  /** Open SMTP sessions, busy or idle (for tests and metrics). */
  get openSessions(): number {
    return this.sessions.openSessions;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.sessions.close();
  }

  /**
   * A refusal before DATA leaves the peer mid-transaction: RSET makes the session reusable. A reply
   * after DATA ends the transaction cleanly. Anything else (timeouts, drops) leaves an unknown state.
   */
  private async afterFailure(
    target: SessionTarget,
    session: Awaited<ReturnType<SmtpSessionPool['acquire']>>,
    err: SmtpErrorLike,
    maxMessages: number,
  ): Promise<void> {
    const peerReplied = typeof err.responseCode === 'number' && err.responseCode >= 400;
    if (peerReplied && err.command === 'DATA' && err.code === 'EMESSAGE') {
      this.sessions.release(target, session, maxMessages);
    } else if (peerReplied && err.code === 'EENVELOPE' && err.responseCode !== 421) {
      // 421 means the peer is closing the session; any other refusal at MAIL or RCPT leaves it usable after RSET.
      const reset = await new Promise<boolean>((resolve) =>
        session.connection.reset((resetErr) => resolve(!resetErr)),
      );
      if (reset) this.sessions.release(target, session, maxMessages);
      else this.sessions.discard(session);
    } else {
      this.sessions.discard(session);
    }
  }
}

const NO_SMTPUTF8: SmtpReply = {
  code: 550,
  enhancedCode: '5.6.7',
  text: 'the receiving server does not offer SMTPUTF8, which this message needs',
};

/** Whether the peer's EHLO reply listed `extension` (nodemailer keeps the list, unexported). */
function offers(connection: SMTPConnection, extension: string): boolean {
  const listed = (connection as unknown as { _supportedExtensions?: string[] })
    ._supportedExtensions;
  return listed?.includes(extension) ?? false;
}

/** One transaction; a drop mid-way surfaces as 'error'/'end' on the connection, not via send()'s callback. */
function send(
  connection: SMTPConnection,
  envelope: SmtpEnvelope,
  raw: Buffer,
): Promise<SendInfoLike> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: unknown, info?: SendInfoLike) => {
      if (settled) return;
      settled = true;
      connection.removeListener('error', onError);
      connection.removeListener('end', onEnd);
      if (err) reject(err);
      else resolve(info!);
    };
    const onError = (err: Error) => finish(err);
    const onEnd = () =>
      finish(
        Object.assign(new Error('Connection closed unexpectedly'), {
          code: 'ECONNECTION',
          command: 'DATA',
        }),
      );
    connection.once('error', onError);
    connection.once('end', onEnd);
    connection.send(
      {
        from: envelope.mailFrom,
        to: envelope.rcptTo,
        size: raw.length,
        use8BitMime: envelope.eightBitMime ?? false,
      } as SMTPConnection.Envelope,
      raw,
      (err, info) => finish(err, info as SendInfoLike),
    );
  });
}
