// The submission listeners on smtp-server: 587-style (STARTTLS when a certificate
// is configured, plain for tests) and 465-style implicit TLS (RFC 8314). Two
// library behaviours are tuned per connection without forking it: the fixed
// 100 ms early-talker pause before the greeting, and replies the library words
// itself (530, 538, 552, 535), rewritten from our catalogue so every reply
// carries the enhanced code RFC 3463 and our docs promise.
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { hasEnhancedCode, replyText, type SmtpReplyReason } from '@postline/submission/domain';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { SubmissionHandlers } from './submission-session.handlers';
import type { ListenerKind, SubmissionMetrics } from './submission.metrics';
import type { SubmissionFeatureSettings } from './submission-feature.settings';

/** smtp-server's own reply texts that we replace by catalogue entries, by basic code. */
const LIBRARY_REPLIES: Record<number, SmtpReplyReason> = {
  530: 'AUTH_REQUIRED',
  538: 'ENCRYPTION_REQUIRED',
  535: 'AUTH_FAILED',
  552: 'MESSAGE_TOO_BIG',
};

/** The parts of smtp-server's connection object we tune (not in its public types). */
interface LibraryConnection {
  send(code: number, data?: string | string[], context?: string | false): void;
  init(): void;
  connectionReady(): void;
  _setListeners(ready: () => void): void;
  _server: { connections: Set<unknown>; options: { maxClients?: number } };
  name: string;
}

interface LibraryServer {
  connect(socket: Socket, socketOptions: unknown): void;
  connections: Set<LibraryConnection>;
}

export interface ListenerDeps {
  settings: SubmissionFeatureSettings;
  handlers: SubmissionHandlers;
  metrics: SubmissionMetrics;
  logger: Logger;
}

export class SubmissionListener {
  private readonly server: SMTPServer;
  private bound: AddressInfo | undefined;

  constructor(
    readonly kind: ListenerKind,
    private readonly deps: ListenerDeps,
  ) {
    this.server = new SMTPServer(this.options());
    this.server.on('error', (err) =>
      deps.logger.warn({ event: 'smtp_error', listener: kind, err: err.message }, 'SMTP error'),
    );
    this.tuneConnections();
  }

  get address(): AddressInfo | undefined {
    return this.bound;
  }

  async listen(port: number, host: string): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.removeListener('error', reject);
        resolve();
      });
    });
    this.bound = this.server.server.address() as AddressInfo;
    return this.bound;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private options(): SMTPServerOptions {
    const { settings, handlers, metrics } = this.deps;
    const tls = tlsMaterial(settings);
    const implicit = this.kind === 'submissions';
    const open = new Set<string>();
    return {
      name: settings.hostname,
      banner: 'Postline submission',
      secure: implicit,
      ...(tls ?? {}),
      minVersion: 'TLSv1.2',
      // Without a certificate there is no STARTTLS (never the library's built-in test key).
      disabledCommands: tls ? [] : ['STARTTLS'],
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: settings.allowInsecureAuth,
      size: settings.maxMessageBytes,
      disableReverseLookup: !settings.reverseLookup,
      hideDSN: true,
      hideENHANCEDSTATUSCODES: false,
      logger: false,
      onConnect: (session, done) => {
        open.add(session.id);
        metrics.sessionOpened(this.kind);
        done();
      },
      onClose: (session) => {
        if (open.delete(session.id)) metrics.sessionClosed();
      },
      onAuth: (auth, session, done) => void handlers.onAuth(auth, session, done),
      onMailFrom: (address, session, done) => handlers.onMailFrom(address, session, done),
      onRcptTo: (address, session, done) => handlers.onRcptTo(address, session, done),
      onData: (stream, session, done) => handlers.onData(stream, session, done),
    } as SMTPServerOptions;
  }

  /** Wraps smtp-server's connection factory to adjust each connection before init(). */
  private tuneConnections(): void {
    const server = this.server as unknown as LibraryServer;
    const connect = server.connect.bind(server);
    const delayMs = this.deps.settings.greetingDelayMs;
    server.connect = (socket, socketOptions) => {
      // connect() constructs the connection, adds it to the server's set, then calls
      // init(); catching the insertion lets us tune it in between, without copying connect().
      const add = server.connections.add.bind(server.connections);
      server.connections.add = (conn: LibraryConnection) => {
        tuneConnection(conn, delayMs);
        return add(conn);
      };
      try {
        connect(socket, socketOptions);
      } finally {
        server.connections.add = add;
      }
    };
  }
}

function tuneConnection(conn: LibraryConnection, delayMs: number): void {
  const send = conn.send.bind(conn);
  conn.send = (code, data, context) => {
    if (typeof data === 'string' && hasEnhancedCode(data)) return send(code, data, false);
    const reason = LIBRARY_REPLIES[code];
    if (reason && context !== false) return send(code, replyText(reason), false);
    return send(code, data, context);
  };
  // Same as the library's init() except the early-talker pause, which is a setting here.
  conn.init = function (this: LibraryConnection) {
    this._setListeners(() => {
      const { maxClients } = this._server.options;
      if (maxClients && this._server.connections.size > maxClients) {
        return this.send(
          421,
          `${this.name} Too many connected clients, try again in a moment`,
          false,
        );
      }
      if (delayMs > 0) setTimeout(() => this.connectionReady(), delayMs).unref();
      else this.connectionReady();
    });
  };
}

function tlsMaterial(
  settings: SubmissionFeatureSettings,
): { key: Buffer; cert: Buffer } | undefined {
  if (!settings.tlsCertFile || !settings.tlsKeyFile) return undefined;
  return { key: readFileSync(settings.tlsKeyFile), cert: readFileSync(settings.tlsCertFile) };
}
