// A raw SMTP client over node:net / node:tls for scenarios that must send bytes
// a well-behaved client library never would (AUTH before TLS, smuggling endings).
import * as net from 'node:net';
import * as tls from 'node:tls';

export class SmtpLineClient {
  private buffer = '';
  private waiters: Array<() => void> = [];
  private closed = false;

  private constructor(private socket: net.Socket) {
    this.attach(socket);
  }

  /** `localAddress` (e.g. 127.0.0.2) makes the client another address on the loopback /8. */
  static async connect(
    port: number,
    opts: { implicitTls?: boolean; localAddress?: string } = {},
  ): Promise<SmtpLineClient> {
    const { localAddress } = opts;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const raw = net.connect({ port, host: '127.0.0.1', localAddress });
      const s = opts.implicitTls
        ? tls.connect({ socket: raw, rejectUnauthorized: false }, () => resolve(s))
        : raw.once('connect', () => resolve(raw));
      s.once('error', reject);
      raw.once('error', reject);
    });
    return new SmtpLineClient(socket);
  }

  /** True once the server has closed the connection. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves once the server has closed the connection; rejects after timeoutMs. */
  async closedByServer(timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`connection still open after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Next complete reply (all lines), e.g. "250-a\r\n250 b". */
  async reply(timeoutMs = 10000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = completeReplyEnd(this.buffer);
      if (end >= 0) {
        const reply = this.buffer.slice(0, end).replace(/\r\n$/, '');
        this.buffer = this.buffer.slice(end);
        return reply;
      }
      if (this.closed)
        throw new Error(`connection closed; pending: ${JSON.stringify(this.buffer)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no SMTP reply within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  write(raw: string | Buffer): void {
    this.socket.write(typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw);
  }

  async command(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  /** STARTTLS, then the handshake; `pipelined` is sent in the same packet as the command. */
  async startTls(pipelined = ''): Promise<string> {
    const answer = await this.command(`STARTTLS\r\n${pipelined}`.replace(/\r\n$/, ''));
    if (!answer.startsWith('220')) return answer;
    const plain = this.socket;
    plain.removeAllListeners('data');
    this.socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ socket: plain, rejectUnauthorized: false }, () => resolve(s));
      s.once('error', reject);
    });
    this.attach(this.socket);
    return answer;
  }

  close(): void {
    this.socket.destroy();
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Offset just past the first complete (possibly multi-line) reply in `buf`, or -1. */
function completeReplyEnd(buf: string): number {
  let pos = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', pos);
    if (eol < 0) return -1;
    if (/^\d{3}(?: |$)/.test(buf.slice(pos, eol))) return eol + 2;
    pos = eol + 2;
  }
}

export function authPlain(username: string, secret: string): string {
  return Buffer.from(`\0${username}\0${secret}`).toString('base64');
}

/** An implicit-TLS session that has said EHLO and authenticated. */
export async function authenticatedSession(
  smtpsPort: number,
  username: string,
  secret: string,
  localAddress?: string,
): Promise<SmtpLineClient> {
  const c = await SmtpLineClient.connect(smtpsPort, { implicitTls: true, localAddress });
  await c.reply();
  await c.command('EHLO client.test');
  const auth = await c.command(`AUTH PLAIN ${authPlain(username, secret)}`);
  if (!auth.startsWith('235')) throw new Error(`AUTH failed: ${auth}`);
  return c;
}
