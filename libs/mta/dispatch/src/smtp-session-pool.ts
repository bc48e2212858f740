// Open SMTP sessions of the MTA, kept per (host, port, TLS policy) and reused
// across messages: a delivery borrows an idle session or opens one, and gives
// it back after a clean transaction. Built on nodemailer's SMTPConnection (one
// SMTP session each) rather than its pooled transport, so that messages go out
// as the pre-built bytes they are — no per-message MIME object, no id
// generation — and so that the number of sessions is the queue manager's call.
import * as net from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection';

export type TlsMode = 'opportunistic' | 'required' | 'disabled';

export interface SessionTarget {
  host: string;
  port: number;
  tls: TlsMode;
  /** Verify the peer certificate when STARTTLS is used. */
  verifyTls: boolean;
  /** Our source address (an IP of the message's pool); the system's choice when absent. */
  localAddress?: string;
}

export interface SessionPoolOptions {
  ehloName: string;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
  /** An idle session is closed after this long (receivers drop idle clients anyway). */
  idleTimeoutMs: number;
}

export interface SmtpSession {
  readonly connection: SMTPConnection;
  /** Messages sent on this session so far. */
  messages: number;
  /** STARTTLS (or implicit TLS) is in effect. */
  readonly secure: boolean;
}

interface IdleSession extends SmtpSession {
  timer: NodeJS.Timeout;
}

export class SmtpSessionPool {
  private readonly idle = new Map<string, IdleSession[]>();
  private readonly open = new Set<SMTPConnection>();
  private closed = false;

  constructor(private readonly opts: SessionPoolOptions) {}

  /** An idle session to the target, or a new one (rejects with nodemailer's error when it cannot connect). */
  async acquire(target: SessionTarget): Promise<SmtpSession> {
    if (this.closed) throw new Error('SMTP session pool is closed');
    const sessions = this.idle.get(keyOf(target));
    const reused = sessions?.pop();
    if (reused) {
      clearTimeout(reused.timer);
      return { connection: reused.connection, messages: reused.messages, secure: reused.secure };
    }
    return this.connect(target);
  }

  /** Returns a healthy session for reuse, or closes it when it has done its share. */
  release(target: SessionTarget, session: SmtpSession, maxMessages: number): void {
    if (this.closed || session.messages >= maxMessages || !this.open.has(session.connection)) {
      this.discard(session);
      return;
    }
    const key = keyOf(target);
    const list = this.idle.get(key) ?? [];
    const timer = setTimeout(() => {
      const at = list.indexOf(entry);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0 && this.idle.get(key) === list) this.idle.delete(key);
      this.discard(entry);
    }, this.opts.idleTimeoutMs);
    timer.unref();
    const entry: IdleSession = { ...session, timer };
    list.push(entry);
    this.idle.set(key, list);
  }

  /** Ends a session that is broken or in an unknown state. */
  discard(session: SmtpSession): void {
    this.open.delete(session.connection);
    try {
      session.connection.quit();
    } catch {
      session.connection.close();
    }
  }

  get openSessions(): number {
    return this.open.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const list of this.idle.values()) {
      for (const s of list) {
        clearTimeout(s.timer);
        this.discard(s);
      }
    }
    this.idle.clear();
  }

  private connect(target: SessionTarget): Promise<SmtpSession> {
    const socket = this.openSocket(target);
    const connection = new SMTPConnection({
      host: target.host,
      port: target.port,
      secure: false,
      name: this.opts.ehloName,
      ignoreTLS: target.tls === 'disabled',
      requireTLS: target.tls === 'required',
      opportunisticTLS: target.tls === 'opportunistic',
      tls: { rejectUnauthorized: target.verifyTls, servername: target.host },
      connectionTimeout: this.opts.connectionTimeoutMs,
      greetingTimeout: this.opts.greetingTimeoutMs,
      socketTimeout: this.opts.socketTimeoutMs,
      connection: socket,
      logger: false,
    } as SMTPConnection.Options);
    this.open.add(connection);
    const forget = () => this.open.delete(connection);
    connection.on('end', forget);
    // Errors also reach the callback of the command in progress; this keeps a late one from crashing us.
    connection.on('error', forget);
    // SMTPConnection reports connect-phase failures as 'error' (or a bare 'end'), not through connect()'s callback.
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        forget();
        connection.close();
        reject(err);
      };
      connection.once('error', fail);
      connection.once('end', () =>
        fail(
          Object.assign(new Error('Connection closed before the session was ready'), {
            code: 'ECONNECTION',
          }),
        ),
      );
      connection.connect(() => {
        if (settled) return;
        settled = true;
        resolve({ connection, messages: 0, secure: connection.secure });
      });
    });
  }

  /**
   * Our own TCP socket with Nagle's algorithm off: SMTP is request/reply, and with Nagle on the
   * end-of-data dot waits for the peer's delayed ACK (~40 ms per message).
   */
  private openSocket(target: SessionTarget): net.Socket {
    const socket = net.connect({
      host: target.host,
      port: target.port,
      noDelay: true,
      localAddress: target.localAddress,
    });
    socket.setKeepAlive(true);
    const timer = setTimeout(() => {
      socket.destroy(Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT' }));
    }, this.opts.connectionTimeoutMs);
    socket.once('connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
    socket.on('error', () => undefined);
    return socket;
  }
}

function keyOf(t: SessionTarget): string {
  return `${t.host}|${t.port}|${t.tls}|${t.verifyTls ? 'v' : 'n'}|${t.localAddress ?? ''}`;
}
