// One SMTP connection of smtp-server under our supervision. smtp-server gives
// no hooks for these, so a few of its connection methods are wrapped per
// connection (never forked): replies it words itself are rewritten from our
// catalogue; every command line passes the guard dispatcher (line length)
// first; the greeting pause is our setting; DATA is watched for a minimum rate;
// the session has a total time limit; a PROXY header from a peer the allow-list
// does not name ends the session; and the session can be ended with a 421
// either at once or once the transaction in hand has been answered (shutdown).
// The library internals used here are listed in LibraryConnection (3.21.x).
import type { Socket } from 'node:net';
import {
  clientKey,
  DataRateMonitor,
  hasEnhancedCode,
  reasonOfReply,
  replyText,
  SmtpReplies,
  type DataRateLimits,
  type SmtpReplyReason,
} from '@postline/submission/domain';
import type { SMTPServerSession } from 'smtp-server';
import type { SubmissionGuards } from './submission-guards';

/** The parts of smtp-server's SMTPConnection we rely on (not in its public types). */
export interface LibraryConnection {
  id: string;
  remoteAddress: string;
  session: SMTPServerSession;
  /** True once the channel is encrypted (implicit TLS or after STARTTLS). */
  secure: boolean;
  send(code: number, data?: string | string[], context?: string | false): void;
  close(): void;
  init(): void;
  connectionReady(): void;
  _setListeners(ready: () => void): void;
  _onCommand(command: Buffer, callback?: () => void): void;
  _whenWritable(next: () => void): void;
  handler_DATA(command: Buffer, callback: () => void): void;
  _nextHandler: unknown;
  _handlerPending?: boolean;
  _dataStream: unknown;
  _parser: { _dataMode: boolean; dataBytes: number } | false | null;
  _ready: boolean;
  _upgrading: boolean;
  _closing: boolean;
  _closed: boolean;
  _socket: Socket;
  _unrecognizedCommands: number;
}

/** smtp-server's own wordings we replace by catalogue entries (code, text pattern). */
const LIBRARY_REPLIES: Array<[number, RegExp, SmtpReplyReason]> = [
  [530, /./, 'AUTH_REQUIRED'],
  [538, /./, 'ENCRYPTION_REQUIRED'],
  [535, /./, 'AUTH_FAILED'],
  [552, /./, 'MESSAGE_TOO_BIG'],
  [421, /^Timeout/, 'IDLE_TIMEOUT'],
  [421, /Command line too long/, 'LINE_TOO_LONG_CLOSING'],
  [421, /too many unrecognized commands/i, 'TOO_MANY_BAD_COMMANDS'],
  [421, /too many unauthenticated commands/i, 'TOO_MANY_UNAUTHENTICATED'],
  [421, /talk too soon/, 'EARLY_TALKER'],
  [421, /HTTP requests not allowed/, 'NOT_SMTP'],
  [421, /Server shutting down/, 'SHUTTING_DOWN'],
];

/** Same bound as smtp-server's own count of unrecognized commands. */
const MAX_BAD_COMMANDS = 10;

export interface SupervisionSettings {
  /** Early-talker pause before the greeting; 0 greets at once. */
  greetingDelayMs: number;
  /** Total session time; 0 for none. */
  maxSessionMs: number;
  dataRate: DataRateLimits;
}

export interface SupervisionEvents {
  /** The server sent a 421 and closes; `beforeGreeting` when it refused the session outright. */
  closedByServer(reason: SmtpReplyReason | 'OTHER', beforeGreeting: boolean): void;
}

/** 'graceful' lets a transaction in hand finish; 'hard' only waits for a reply the client already awaits. */
export type TerminationMode = 'graceful' | 'hard';

export class SupervisedConnection {
  readonly client: string;
  private pending: { reason: SmtpReplyReason; mode: TerminationMode } | undefined;
  private sessionTimer: NodeJS.Timeout | undefined;
  private rateTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly conn: LibraryConnection,
    private readonly guards: SubmissionGuards,
    private readonly settings: SupervisionSettings,
    private readonly events: SupervisionEvents,
    private readonly now: () => number = Date.now,
  ) {
    this.client = clientKey(conn.remoteAddress);
    this.wrapSend();
    this.wrapInit();
    this.wrapCommands();
    this.wrapData();
  }

  get id(): string {
    return this.conn.id;
  }

  /** The session passed the connect guards: its total time starts counting. */
  admitted(): void {
    if (this.settings.maxSessionMs <= 0) return;
    this.sessionTimer = setTimeout(
      () => this.terminate('SESSION_TIME_EXCEEDED', 'hard'),
      this.settings.maxSessionMs,
    );
    this.sessionTimer.unref();
  }

  /** Ends the session with the reason's 421, now or as soon as `mode` allows. */
  terminate(reason: SmtpReplyReason, mode: TerminationMode): void {
    if (this.conn._closing || this.conn._closed) return;
    if (!this.blocked(mode)) return this.sendClose(reason);
    if (!this.pending || mode === 'hard') this.pending = { reason, mode };
  }

  /** Last resort at the end of a shutdown: drop the socket without a word. */
  destroy(): void {
    this.dispose();
    this.conn._socket.destroy();
  }

  /** Stops the timers; called once the connection is closed. */
  dispose(): void {
    clearTimeout(this.sessionTimer);
    clearInterval(this.rateTimer);
    this.pending = undefined;
  }

  private get receivingData(): boolean {
    return Boolean(this.conn._parser && this.conn._parser._dataMode);
  }

  /** What keeps a termination of this mode from happening right now. */
  private blocked(mode: TerminationMode): boolean {
    const handler = Boolean(this.conn._handlerPending);
    const inData = Boolean(this.conn._dataStream);
    // The final dot is in and the message is being accepted: the client awaits our reply.
    const accepting = inData && !this.receivingData;
    return mode === 'graceful' ? handler || inData : handler || accepting;
  }

  private sendClose(reason: SmtpReplyReason): void {
    this.pending = undefined;
    this.conn.send(SmtpReplies[reason].code, replyText(reason));
  }

  /**
   * RFC 4954 §4 and RFC 8314: AUTH is offered only where it may be used. smtp-server lists
   * it in EHLO on a cleartext channel too (and answers 538 when tried); drop it there.
   */
  private ehloFeatures(lines: string[]): string[] {
    if (this.conn.secure || this.guards.policy.allowInsecureAuth) return lines;
    return lines.filter((line, i) => i === 0 || !/^AUTH /i.test(line));
  }

  private settlePending(): void {
    const p = this.pending;
    if (p && !this.conn._closing && !this.conn._closed && !this.blocked(p.mode))
      this.sendClose(p.reason);
  }

  private wrapSend(): void {
    const conn = this.conn;
    const send = conn.send.bind(conn);
    conn.send = (code, data, context) => {
      let text = data;
      let ctx = context;
      if (typeof data === 'string' && hasEnhancedCode(data)) ctx = false;
      else if (typeof data === 'string' && context !== false) {
        const hit = LIBRARY_REPLIES.find(([c, re]) => c === code && re.test(data));
        if (hit) [text, ctx] = [replyText(hit[2]), false];
      }
      if (code === 250 && Array.isArray(data)) text = this.ehloFeatures(data);
      const beforeGreeting = !conn._ready;
      const wasClosing = conn._closing || conn._closed;
      send(code, text, ctx);
      if (code === 421 && !wasClosing) {
        this.dispose();
        const reason = typeof text === 'string' ? reasonOfReply(code, text) : undefined;
        this.events.closedByServer(reason ?? 'OTHER', beforeGreeting);
      } else if (this.pending) {
        // Let the library finish the command (it calls back after replying), then look again.
        setImmediate(() => this.settlePending());
      }
    };
  }

  /** Same as the library's init() minus its fixed 100 ms pause and its per-listener client count. */
  private wrapInit(): void {
    const conn = this.conn;
    const delayMs = this.settings.greetingDelayMs;
    conn.init = () => {
      conn._setListeners(() => {
        if (delayMs > 0) setTimeout(() => conn.connectionReady(), delayMs).unref();
        else conn.connectionReady();
      });
    };
  }

  private wrapCommands(): void {
    const conn = this.conn;
    const onCommand = conn._onCommand.bind(conn);
    conn._onCommand = (command, callback) => {
      // The library discards input during a TLS upgrade and refuses early talkers itself.
      if (conn._upgrading || !conn._ready || conn._closing) return onCommand(command, callback);
      const auth = Boolean(conn._nextHandler) || /^AUTH(\s|$)/i.test(command.toString('latin1'));
      if (this.pending) {
        if (/^QUIT\s*$/i.test(command.toString('latin1'))) return onCommand(command, callback);
        return this.sendClose(this.pending.reason);
      }
      // Only an allow-listed balancer's PROXY header is read (before the session, by the
      // library); from anyone else it is an attempt to choose the client address.
      if (/^PROXY(\s|$)/i.test(command.toString('latin1')))
        return this.sendClose('PROXY_NOT_ALLOWED');
      const refusal = this.guards.check({ phase: 'COMMAND', lineBytes: command.length, auth });
      if (!refusal) return onCommand(command, callback);
      if (++conn._unrecognizedCommands >= MAX_BAD_COMMANDS)
        return this.sendClose('TOO_MANY_BAD_COMMANDS');
      conn.send(refusal.responseCode, refusal.message);
      setImmediate(() => conn._whenWritable(callback ?? (() => undefined)));
    };
  }

  private wrapData(): void {
    const conn = this.conn;
    const handleData = conn.handler_DATA.bind(conn);
    conn.handler_DATA = (command, callback) => {
      handleData(command, callback);
      if (conn._dataStream) this.watchDataRate();
    };
  }

  private watchDataRate(): void {
    const monitor = new DataRateMonitor(this.settings.dataRate, this.now());
    if (!monitor.enabled) return;
    clearInterval(this.rateTimer);
    this.rateTimer = setInterval(() => {
      const parser = this.conn._parser;
      if (!parser || !parser._dataMode) return clearInterval(this.rateTimer);
      if (monitor.check(this.now(), parser.dataBytes)) return;
      clearInterval(this.rateTimer);
      this.terminate('DATA_TOO_SLOW', 'hard');
    }, this.settings.dataRate.windowMs);
    this.rateTimer.unref();
  }
}
