// SMTP delivery agent: one pooled nodemailer transport per next hop, so
// consecutive messages to a host reuse its connections (bounded by
// maxConnections, recycled after maxMessages). The raw MIME goes out byte for
// byte with an explicit envelope; STARTTLS is used whenever the peer offers it.
import * as net from 'node:net';
import * as nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { NextHop } from '@postline/mta/routing';
import type { DeliveryResult, Dispatcher, SmtpEnvelope } from './dispatch.types';
import {
  resultsFromError,
  resultsFromInfo,
  type SendInfoLike,
  type SmtpErrorLike,
} from './reply-mapping';

export interface SmtpDispatcherOptions {
  /** Our name in EHLO; receivers check it against our PTR record. */
  ehloName: string;
  maxConnectionsPerHop: number;
  maxMessagesPerConnection: number;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  /** Inactivity limit on an open connection, including while waiting for the reply after DATA. */
  socketTimeoutMs: number;
  /** Verify STARTTLS certificates of hops marked local too (default false: local sinks rarely have CA-issued certificates). */
  verifyLocalTls?: boolean;
  /** A hop's pool unused for this long is closed, since MX hosts come and go (default 5 minutes). */
  idlePoolTtlMs?: number;
  now?: () => number;
}

interface HopPool {
  transport: Transporter<SMTPPool.SentMessageInfo>;
  inFlight: number;
  lastUsed: number;
}

export class SmtpDispatcher implements Dispatcher {
  private readonly pools = new Map<string, HopPool>();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly opts: SmtpDispatcherOptions) {
    this.now = opts.now ?? Date.now;
  }

  async deliver(hop: NextHop, envelope: SmtpEnvelope, raw: Buffer): Promise<DeliveryResult[]> {
    if (this.closed) throw new Error('SmtpDispatcher is closed');
    const pool = this.poolFor(hop);
    pool.inFlight++;
    try {
      const info = await pool.transport.sendMail({
        envelope: { from: envelope.mailFrom, to: envelope.rcptTo },
        raw,
      });
      return resultsFromInfo(info as SendInfoLike, envelope.rcptTo, hop.host);
    } catch (e) {
      return resultsFromError(e as SmtpErrorLike, envelope.rcptTo, hop.host);
    } finally {
      pool.inFlight--;
      pool.lastUsed = this.now();
      this.closeIdlePools();
    }
  }

  /** Number of hops with an open pool (for tests and metrics). */
  get poolCount(): number {
    return this.pools.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pool of this.pools.values()) pool.transport.close();
    this.pools.clear();
  }

  private poolFor(hop: NextHop): HopPool {
    const key = `${hop.host}|${hop.port}|${hop.local ? 'local' : 'remote'}`;
    let pool = this.pools.get(key);
    if (!pool) {
      const transport = nodemailer.createTransport(this.transportOptions(hop));
      // A pool reports connection problems through each message's callback; this
      // listener only keeps an unexpected transport-level error from crashing the process.
      transport.on('error', () => undefined);
      pool = { transport, inFlight: 0, lastUsed: this.now() };
      this.pools.set(key, pool);
    }
    return pool;
  }

  // maxRequeues is an option nodemailer 7 reads but @types/nodemailer does not list.
  private transportOptions(hop: NextHop): SMTPPool.Options & { maxRequeues: number } {
    const relaxTls = hop.local && !this.opts.verifyLocalTls;
    return {
      pool: true,
      host: hop.host,
      port: hop.port,
      secure: false,
      // Opportunistic STARTTLS: upgrade when offered, carry on in clear text if the peer refuses the command.
      ignoreTLS: false,
      requireTLS: false,
      opportunisticTLS: true,
      tls: relaxTls ? { rejectUnauthorized: false } : { rejectUnauthorized: true },
      name: this.opts.ehloName,
      maxConnections: this.opts.maxConnectionsPerHop,
      maxMessages: this.opts.maxMessagesPerConnection,
      connectionTimeout: this.opts.connectionTimeoutMs,
      greetingTimeout: this.opts.greetingTimeoutMs,
      socketTimeout: this.opts.socketTimeoutMs,
      // Retrying is the MTA's decision (with backoff and events), not the pool's.
      maxRequeues: 0,
      // Every pooled connection gets a socket of ours; nodemailer runs SMTP on it from the greeting on.
      getSocket: (_options, callback) => callback(null, { connection: this.openSocket(hop) }),
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
    };
  }

  /**
   * A TCP connection to the hop with Nagle's algorithm off: SMTP is request/reply, and with
   * Nagle on, the end-of-data dot waits for the peer's delayed ACK (~40 ms per message).
   * Failures surface as socket errors, which nodemailer reports per message (connect → 4.4.1).
   */
  private openSocket(hop: NextHop): net.Socket {
    const socket = net.connect({ host: hop.host, port: hop.port, noDelay: true, keepAlive: true });
    const timer = setTimeout(() => {
      socket.destroy(Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT' }));
    }, this.opts.connectionTimeoutMs);
    socket.once('connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
    // nodemailer listens for errors too; this only keeps a late one from going unhandled.
    socket.on('error', () => undefined);
    return socket;
  }

  private closeIdlePools(): void {
    const ttl = this.opts.idlePoolTtlMs ?? 300_000;
    const cutoff = this.now() - ttl;
    for (const [key, pool] of this.pools) {
      if (pool.inFlight === 0 && pool.lastUsed < cutoff) {
        pool.transport.close();
        this.pools.delete(key);
      }
    }
  }
}
