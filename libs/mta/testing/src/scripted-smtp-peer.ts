// A tiny scripted SMTP server on 127.0.0.1 (port 0) for MTA tests: a real peer
// over a real socket whose replies to MAIL, RCPT and the end of DATA are
// scripted per test (550 5.1.1, 451, a drop in the middle of DATA, ...), and
// which records every transaction it saw. Not a general SMTP server.
import * as net from 'node:net';

export type DataVerdict = string | 'disconnect';

export interface PeerScript {
  /** Host name in the greeting and EHLO reply. */
  name?: string;
  mailFrom?(from: string): string;
  rcptTo?(to: string): string;
  /** Reply after the end-of-data dot; 'disconnect' drops the connection without a reply. */
  data?(message: Buffer, rcptTo: readonly string[]): DataVerdict;
  /** Drop the connection as soon as message bytes start to arrive. */
  dropDuringData?: boolean;
  /** EHLO keywords offered; default 8BITMIME and SIZE. */
  extensions?: string[];
}

export interface PeerTransaction {
  mailFrom: string;
  /** What followed the reverse-path on the MAIL line, e.g. "SIZE=120 BODY=8BITMIME". */
  mailParams: string;
  /** Recipients the peer accepted at RCPT. */
  rcptTo: string[];
  /** The message as received, dot-unstuffed; undefined if DATA never completed. */
  data?: Buffer;
  /** The reply sent after DATA, or 'disconnect'. */
  verdict?: DataVerdict;
}

const CRLF = Buffer.from('\r\n');
const END_OF_DATA = Buffer.from('\r\n.\r\n');

export class ScriptedSmtpPeer {
  readonly host = '127.0.0.1';
  readonly transactions: PeerTransaction[] = [];
  /** The names clients gave in EHLO/HELO, one per greeting. */
  readonly heloNames: string[] = [];
  connections = 0;
  /** The address each connection came from, in order (source-address binding tests). */
  readonly clientAddresses: string[] = [];
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(script: PeerScript = {}): Promise<ScriptedSmtpPeer> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const peer = new ScriptedSmtpPeer(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (socket) => peer.serve(socket, script));
    return peer;
  }

  /** Transactions whose message was accepted with a 2xx reply. */
  get delivered(): PeerTransaction[] {
    return this.transactions.filter((t) => t.verdict?.startsWith('2'));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket, script: PeerScript): void {
    this.connections++;
    this.clientAddresses.push(socket.remoteAddress ?? '');
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const session = new PeerSession(socket, script, this);
    socket.on('data', (chunk: Buffer) => session.receive(chunk));
    session.reply(`220 ${session.name} ESMTP scripted peer`);
  }
}

/** One client connection: command lines, then the message during DATA. */
class PeerSession {
  readonly name: string;
  private buffer = Buffer.alloc(0);
  private current?: PeerTransaction;
  private inData = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly script: PeerScript,
    private readonly peer: Pick<ScriptedSmtpPeer, 'transactions' | 'heloNames'>,
  ) {
    this.name = script.name ?? 'peer.test';
  }

  reply(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (!this.socket.destroyed) {
      if (this.inData) {
        if (this.script.dropDuringData) {
          if (this.buffer.length > 0) this.socket.destroy();
          return;
        }
        // The terminator is CRLF "." CRLF; an empty message is just "." CRLF.
        const framed = Buffer.concat([CRLF, this.buffer]);
        const end = framed.indexOf(END_OF_DATA);
        if (end === -1) return;
        this.buffer = framed.subarray(end + END_OF_DATA.length);
        this.inData = false;
        this.message(framed.subarray(CRLF.length, end + CRLF.length));
      } else {
        const eol = this.buffer.indexOf(CRLF);
        if (eol === -1) return;
        const line = this.buffer.subarray(0, eol).toString('utf8');
        this.buffer = this.buffer.subarray(eol + CRLF.length);
        this.command(line);
      }
    }
  }

  private command(line: string): void {
    const verb = line.slice(0, 4).toUpperCase();
    const arg = /<([^>]*)>/.exec(line)?.[1] ?? '';
    switch (verb) {
      case 'EHLO':
        this.peer.heloNames.push(line.slice(5).trim());
        return this.reply(
          [this.name, ...(this.script.extensions ?? ['8BITMIME', 'SIZE 10485760'])]
            .map((text, i, all) => `250${i === all.length - 1 ? ' ' : '-'}${text}`)
            .join('\r\n'),
        );
      case 'HELO':
        this.peer.heloNames.push(line.slice(5).trim());
        return this.reply(`250 ${this.name}`);
      case 'NOOP':
        return this.reply('250 2.0.0 Ok');
      case 'RSET':
        this.current = undefined;
        return this.reply('250 2.0.0 Ok');
      case 'QUIT':
        this.reply('221 2.0.0 Bye');
        this.socket.end();
        return;
      case 'MAIL':
        return this.mail(arg, line.slice(line.indexOf('>') + 1).trim());
      case 'RCPT':
        return this.rcpt(arg);
      case 'DATA':
        return this.data();
      default:
        return this.reply('502 5.5.2 Command not recognized');
    }
  }

  private mail(from: string, params: string): void {
    const answer = this.script.mailFrom?.(from) ?? '250 2.1.0 Ok';
    if (answer.startsWith('2')) this.current = { mailFrom: from, mailParams: params, rcptTo: [] };
    this.reply(answer);
  }

  private rcpt(to: string): void {
    if (!this.current) return this.reply('503 5.5.1 Need MAIL command');
    const answer = this.script.rcptTo?.(to) ?? '250 2.1.5 Ok';
    if (answer.startsWith('2')) this.current.rcptTo.push(to);
    this.reply(answer);
  }

  private data(): void {
    if (!this.current || this.current.rcptTo.length === 0) {
      return this.reply('554 5.5.1 No valid recipients');
    }
    this.peer.transactions.push(this.current);
    this.inData = true;
    this.reply('354 End data with <CR><LF>.<CR><LF>');
  }

  private message(message: Buffer): void {
    const tx = this.current!;
    this.current = undefined;
    tx.data = unstuff(message);
    tx.verdict = this.script.data?.(tx.data, tx.rcptTo) ?? '250 2.0.0 Ok: queued';
    if (tx.verdict === 'disconnect') this.socket.destroy();
    else this.reply(tx.verdict);
  }
}

/** Undoes SMTP dot-stuffing (RFC 5321 §4.5.2). */
function unstuff(message: Buffer): Buffer {
  return Buffer.from(message.toString('latin1').replace(/(^|\r\n)\.\./g, '$1.'), 'latin1');
}
