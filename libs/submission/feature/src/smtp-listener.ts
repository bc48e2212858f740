// The submission listeners on smtp-server: 587-style (STARTTLS when a certificate
// is configured, plain for tests), 465-style implicit TLS (RFC 8314), and, when
// trusted networks are configured, a plain port without AUTH or TLS where MAIL
// takes the trusted credential's identity (peers are checked at connect). Each
// connection the library creates is handed to the session supervisor before its
// greeting (see supervised-connection.ts for what is tuned and why); sessions
// are admitted, counted and drained there, across both listeners. A reloaded
// certificate is installed here for new handshakes; with PROXY on, the listed
// load balancers must open each connection with a PROXY v1 or v2 header (before TLS
// on the implicit-TLS port) and the address it carries is the session's.
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { ProxyAllowList } from '@postline/submission/domain';
import { readProxyV2, type ProxyCallback } from './proxy-v2-reader';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { TlsMaterial } from './certificate-reloader';
import type { SessionSupervisor } from './session-supervisor';
import type { LibraryConnection } from './supervised-connection';
import { MAX_AUTH_LINE_BYTES } from './submission-guards';
import type { SubmissionHandlers } from './submission-session.handlers';
import type { ListenerKind } from './submission.metrics';
import {
  effectiveMessageLimit,
  type SubmissionFeatureSettings,
} from './submission-feature.settings';

interface LibraryServer {
  connect(socket: Socket, socketOptions: unknown): void;
  connections: Set<LibraryConnection>;
  /** Whether a PROXY header must come first from this peer (3.21.x; reads options.useProxy). */
  _expectsProxyHeader(socket: Socket): boolean;
  /** Reads a v1 PROXY line, then calls back with the connection's options (3.21.x). */
  _handleProxy(socket: Socket, callback: ProxyCallback): void;
}

/** How long smtp-server's own close() waits for connections the drain has already ended. */
const LIBRARY_CLOSE_TIMEOUT_MS = 1000;

export interface ListenerDeps {
  settings: SubmissionFeatureSettings;
  handlers: SubmissionHandlers;
  supervisor: SessionSupervisor;
  logger: Logger;
  proxyAllowList: ProxyAllowList;
  /** The certificate at start (readTlsMaterial); none means no STARTTLS and no 465. */
  tls: TlsMaterial | undefined;
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
    this.adoptConnections();
    this.limitProxyToAllowList();
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

  /** Stops listening; sessions are drained by the supervisor before this. */
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** New handshakes (STARTTLS and implicit TLS) use this pair; sessions already secured keep theirs. */
  updateCertificate(material: TlsMaterial): void {
    this.server.updateSecureContext({ key: material.key, cert: material.cert });
  }

  private options(): SMTPServerOptions {
    const { settings, handlers, supervisor } = this.deps;
    const trusted = this.kind === 'trusted';
    const tls = trusted ? undefined : this.deps.tls;
    const implicit = this.kind === 'submissions';
    return {
      name: settings.hostname,
      banner: 'Postline submission',
      secure: implicit,
      ...(tls ?? {}),
      minVersion: 'TLSv1.2',
      // Without a certificate there is no STARTTLS (never the library's built-in test key);
      // the trusted port has no AUTH either, so the library does not ask for it before MAIL.
      disabledCommands: trusted ? ['STARTTLS', 'AUTH'] : tls ? [] : ['STARTTLS'],
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: settings.allowInsecureAuth,
      size: effectiveMessageLimit(settings),
      disableReverseLookup: !settings.reverseLookup,
      hideDSN: true,
      hideENHANCEDSTATUSCODES: false,
      logger: false,
      // Idle timeout between commands (and for a TLS handshake that never ends).
      socketTimeout: settings.idleTimeoutMs,
      // Longer lines end the session; AUTH lines may be this long (RFC 4954), other
      // commands are held to POSTLINE_SUBMISSION_MAX_COMMAND_LINE_BYTES by the guards.
      maxCommandLength: MAX_AUTH_LINE_BYTES,
      // The library applies this to sockets still in their TLS handshake; admitted
      // sessions are bounded across both listeners by the supervisor.
      maxClients: settings.maxConnections,
      closeTimeout: LIBRARY_CLOSE_TIMEOUT_MS,
      // Replaced per peer by the CIDR allow-list below; false keeps PROXY off entirely.
      useProxy: !trusted && this.deps.proxyAllowList.enabled,
      onConnect: (session, done) => supervisor.onConnect(session, this.kind, done),
      onClose: (session) => supervisor.onClose(session),
      onAuth: (auth, session, done) => void handlers.onAuth(auth, session, done),
      onMailFrom: trusted
        ? (address, session, done) => void handlers.onTrustedMailFrom(address, session, done)
        : (address, session, done) => handlers.onMailFrom(address, session, done),
      onRcptTo: (address, session, done) => handlers.onRcptTo(address, session, done),
      onData: (stream, session, done) => handlers.onData(stream, session, done),
    } as SMTPServerOptions;
  }

  /**
   * smtp-server trusts PROXY headers from all peers or from exact addresses; ours
   * are CIDRs, so its per-socket check asks the allow-list instead. A listed peer
   * that does not send a header is refused by the library ("* BAD", close).
   */
  private limitProxyToAllowList(): void {
    const allowList = this.deps.proxyAllowList;
    // The trusted port decides on the peer's own address: no PROXY header is read there.
    if (!allowList.enabled || this.kind === 'trusted') return;
    const server = this.server as unknown as LibraryServer;
    server._expectsProxyHeader = (socket) => allowList.contains(socket.remoteAddress);
    // The library reads v1 only; a v2 header is read here and anything else goes on to it.
    const handleV1 = server._handleProxy.bind(server);
    server._handleProxy = (socket, callback) => {
      if (!allowList.contains(socket.remoteAddress)) return handleV1(socket, callback);
      readProxyV2(socket, callback, () => handleV1(socket, callback), this.deps.logger);
    };
  }

  /** Wraps smtp-server's connection factory to hand each connection over before init(). */
  private adoptConnections(): void {
    const server = this.server as unknown as LibraryServer;
    const connect = server.connect.bind(server);
    const supervisor = this.deps.supervisor;
    server.connect = (socket, socketOptions) => {
      // connect() constructs the connection, adds it to the server's set, then calls
      // init(); catching the insertion lets us adopt it in between, without copying connect().
      const add = server.connections.add.bind(server.connections);
      server.connections.add = (conn: LibraryConnection) => {
        supervisor.adopt(conn);
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

export function readTlsMaterial(settings: SubmissionFeatureSettings): TlsMaterial | undefined {
  if (!settings.tlsCertFile || !settings.tlsKeyFile) return undefined;
  return { key: readFileSync(settings.tlsKeyFile), cert: readFileSync(settings.tlsCertFile) };
}
