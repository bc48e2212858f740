// Shared by the feature's specs: one in-process submission listener on a
// loopback port with every part wired as the module wires it (guards, gate,
// limiter, supervisor, handlers), fakes only for the credential store and the
// Kafka producer, and a raw line client to talk to it.
import * as net from 'node:net';
import { createLogger } from '@postline/platform/logging';
import { createMetricsRegistry, type MetricsRegistry } from '@postline/platform/metrics';
import type { DurableProducer, OutgoingRecord } from '@postline/platform/kafka';
import {
  hashSecret,
  ProxyAllowList,
  TrustedNetworks,
  type SecretHash,
} from '@postline/submission/domain';
import type { CredentialRecord, CredentialStore } from './credential.store';
import { MessageAcceptor } from './message-acceptor';
import { SessionSupervisor } from './session-supervisor';
import { SubmissionListener } from './smtp-listener';
import {
  effectiveMessageLimit,
  type SubmissionFeatureSettings,
} from './submission-feature.settings';
import { SubmissionGuards } from './submission-guards';
import { guardsFor } from './submission-guards.factory';
import { SubmissionHandlers } from './submission-session.handlers';
import { SubmissionMetrics, type ListenerKind } from './submission.metrics';
import { TrustedIdentity } from './trusted-identity';

export const specSettings: SubmissionFeatureSettings = {
  hostname: 'submit.test',
  listenHost: '127.0.0.1',
  smtpPort: 0,
  smtpsPort: 0,
  tlsCertFile: '',
  tlsKeyFile: '',
  tlsReloadDebounceMs: 1000,
  proxyAllowedCidrs: '',
  trustedNetworks: '',
  trustedPort: 0,
  trustedCredential: '',
  allowInsecureAuth: true,
  maxMessageBytes: 10000,
  maxRecordBytes: 1_000_000,
  maxRecipients: 100,
  acceptTimeoutMs: 1000,
  greetingDelayMs: 0,
  reverseLookup: false,
  maxConnections: 100,
  maxConnectionsPerIp: 100,
  idleTimeoutMs: 60000,
  maxSessionMs: 0,
  minDataRateBytesPerSecond: 0,
  dataRateWindowMs: 1000,
  maxCommandLineBytes: 512,
  maxLineBytes: 1000,
  authLimits: {
    windowMs: 60000,
    maxFailuresPerClient: 100,
    maxFailuresPerUsername: 100,
    lockoutMs: 60000,
    failureDelayMs: 0,
    maxFailureDelayMs: 0,
  },
  messagesPerMinute: 10_000,
  recipientsPerMinute: 100_000,
  shutdownGraceMs: 5000,
};

export const SPEC_SECRET = 'a-long-enough-secret';
let credential: Promise<CredentialRecord> | undefined;

/** One credential `app` (secret SPEC_SECRET) allowed to send from example.com. */
export function specCredential(): Promise<CredentialRecord> {
  credential ??= hashSecret(SPEC_SECRET, { N: 1024, r: 8, p: 1 }).then((secret) => ({
    username: 'app',
    tenantId: 'default',
    secret,
    allowedSenderDomains: ['example.com'],
    maxRecipients: 10,
    enabled: true,
    createdAt: new Date(),
  }));
  return credential;
}

export interface SpecListener {
  port: number;
  guards: SubmissionGuards;
  supervisor: SessionSupervisor;
  registry: MetricsRegistry;
  sent: Array<{ topic: string; count: number; records: OutgoingRecord[] }>;
  close(): Promise<void>;
}

let registries = 0;

export async function startSpecListener(
  over: Partial<SubmissionFeatureSettings> = {},
  opts: {
    producer?: DurableProducer;
    verifySecret?: (secret: string, stored: SecretHash) => Promise<boolean>;
    /** Which listener to open (the trusted one needs `trustedNetworks` in the settings). */
    kind?: ListenerKind;
    store?: Pick<CredentialStore, 'find'>;
  } = {},
): Promise<SpecListener> {
  const settings = { ...specSettings, ...over };
  const cred = await specCredential();
  const store = (opts.store ?? {
    find: async (username: string) => (username === cred.username ? cred : null),
  }) as unknown as CredentialStore;
  const sent: SpecListener['sent'] = [];
  const producer =
    opts.producer ??
    ({
      send: async (topic: string, records: OutgoingRecord[]) => {
        sent.push({ topic, count: records.length, records });
      },
    } as unknown as DurableProducer);
  const registry = createMetricsRegistry(`submission_spec_${++registries}`);
  const logger = createLogger({ service: 'submission', level: 'silent' });
  const guards = guardsFor(settings, TrustedNetworks.parse(settings.trustedNetworks));
  const metrics = new SubmissionMetrics(registry, () => guards.authLimiter.activeLockouts());
  const supervisor = new SessionSupervisor({
    guards,
    metrics,
    logger,
    settings: {
      greetingDelayMs: settings.greetingDelayMs,
      maxSessionMs: settings.maxSessionMs,
      dataRate: {
        minBytesPerSecond: settings.minDataRateBytesPerSecond,
        windowMs: settings.dataRateWindowMs,
      },
    },
  });
  const handlers = new SubmissionHandlers({
    store,
    acceptor: new MessageAcceptor(producer, {
      timeoutMs: settings.acceptTimeoutMs,
      maxRecordBytes: settings.maxRecordBytes,
    }),
    metrics,
    logger,
    guards,
    hostname: settings.hostname,
    maxMessageBytes: effectiveMessageLimit(settings),
    maxLineBytes: settings.maxLineBytes,
    verifySecret: opts.verifySecret,
    trusted: settings.trustedNetworks
      ? new TrustedIdentity(store, settings.trustedCredential)
      : undefined,
  });
  const listener = new SubmissionListener(opts.kind ?? 'submission', {
    settings,
    handlers,
    supervisor,
    logger,
    proxyAllowList: ProxyAllowList.parse(settings.proxyAllowedCidrs),
    tls: undefined,
  });
  const { port } = await listener.listen(0, '127.0.0.1');
  return {
    port,
    guards,
    supervisor,
    registry,
    sent,
    close: async () => {
      await supervisor.drain(0, 0);
      await listener.close();
    },
  };
}

/** A raw SMTP peer: reads whole replies, writes whatever bytes a test needs. */
export class RawPeer {
  private buffer = '';
  private wakers: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
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

  static connect(port: number, localAddress?: string): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1', localAddress }, () =>
        resolve(new RawPeer(s)),
      );
      s.once('error', reject);
    });
  }

  /** The next complete reply (last line starts with "ddd "), or the close. */
  async reply(timeoutMs = 5000): Promise<string> {
    const timer = setTimeout(() => this.wake(), timeoutMs);
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        const m = /^(?:\d{3}-[^\r\n]*\r\n)*\d{3}(?: [^\r\n]*)?\r\n/.exec(this.buffer);
        if (m) {
          this.buffer = this.buffer.slice(m[0].length);
          return m[0].trimEnd();
        }
        if (this.closed) throw new Error(`closed; pending ${JSON.stringify(this.buffer)}`);
        if (Date.now() >= deadline) throw new Error(`no reply within ${timeoutMs} ms`);
        await new Promise<void>((r) => this.wakers.push(r));
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once the server has closed the connection. */
  async closedByServer(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const timer = setTimeout(() => this.wake(), timeoutMs);
    try {
      while (!this.closed) {
        if (Date.now() >= deadline) throw new Error('connection still open');
        await new Promise<void>((r) => this.wakers.push(r));
      }
    } finally {
      clearTimeout(timer);
    }
  }

  write(raw: string): void {
    this.socket.write(Buffer.from(raw, 'latin1'));
  }

  async command(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.wakers;
    this.wakers = [];
    for (const f of w) f();
  }
}

export function authPlainLine(username: string, secret: string): string {
  return `AUTH PLAIN ${Buffer.from(`\0${username}\0${secret}`).toString('base64')}`;
}

/** Greeting read, EHLO said, authenticated as the spec credential. */
export async function authenticatedPeer(port: number, localAddress?: string): Promise<RawPeer> {
  const peer = await RawPeer.connect(port, localAddress);
  await peer.reply();
  await peer.command('EHLO client.test');
  const auth = await peer.command(authPlainLine('app', SPEC_SECRET));
  if (!auth.startsWith('235')) throw new Error(`AUTH failed: ${auth}`);
  return peer;
}

/** The value of one series in the registry's text output, e.g. `auth_attempts_total{result="failure"}`. */
export async function metricValue(registry: MetricsRegistry, series: string): Promise<number> {
  const text = await registry.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${registry.prefix}${series} `));
  return line ? Number(line.split(' ').pop()) : NaN;
}

/** Waits for a condition on in-process state that no event announces (polled every 10 ms). */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
