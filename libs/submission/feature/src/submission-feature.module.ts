// The submission feature as one Nest module: credentials over REST and gRPC, the SMTP
// listeners (opened on boot — 587 and 465 roles, and the trusted-network port
// when configured; on shutdown drained before Kafka disconnects, so a DATA in
// hand can still be acknowledged) and their readiness. Expects the platform
// modules (config, logger, metrics, MongoDB, Kafka).
import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { LOGGER, METRICS, READINESS, type ReadinessRegistry } from '@postline/platform/http';
import { KafkaRuntime } from '@postline/platform/kafka';
import type { MetricsRegistry } from '@postline/platform/metrics';
import { MONGO_CONNECTION } from '@postline/platform/mongo';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { ProxyAllowList, TrustedNetworks } from '@postline/submission/domain';
import { CertificateReloader, type TlsMaterial } from './certificate-reloader';
import { CredentialAdmin } from './credential-admin';
import { CredentialStore } from './credential.store';
import { CredentialsController } from './credentials.controller';
import { CredentialsGrpcService } from './credentials.grpc';
import { MessageAcceptor } from './message-acceptor';
import { readTlsMaterial, SubmissionListener } from './smtp-listener';
import { SessionSupervisor } from './session-supervisor';
import {
  effectiveMessageLimit,
  SUBMISSION_SETTINGS,
  type SubmissionFeatureSettings,
} from './submission-feature.settings';
import { SubmissionGuards } from './submission-guards';
import { guardsFor } from './submission-guards.factory';
import { SubmissionHandlers } from './submission-session.handlers';
import { SubmissionMetrics } from './submission.metrics';
import { TrustedIdentity } from './trusted-identity';

/** The trusted listener is configured with networks but without the credential its mail is sent as. */
export class TrustedListenerConfigError extends Error {
  readonly code = 'SUBMISSION_TRUSTED_CREDENTIAL_MISSING';
}

/** The trusted networks, checked for use at boot: a listener needs a credential to submit as. */
export function trustedNetworksOf(settings: SubmissionFeatureSettings): TrustedNetworks {
  // A malformed CIDR stops the start-up here, with the entry named.
  const networks = TrustedNetworks.parse(settings.trustedNetworks);
  if (networks.enabled && !settings.trustedCredential.trim())
    throw new TrustedListenerConfigError(
      'POSTLINE_SUBMISSION_TRUSTED_NETWORKS is set but POSTLINE_SUBMISSION_TRUSTED_CREDENTIAL is empty: name the credential the trusted listener submits as',
    );
  return networks;
}

/** Expired AUTH failures and lockouts are dropped this often. */
const LIMITER_SWEEP_MS = 60_000;

@Injectable()
export class SubmissionListeners implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly listeners: SubmissionListener[] = [];
  private sweeper: NodeJS.Timeout | undefined;
  private reloader: CertificateReloader | undefined;

  constructor(
    @Inject(SUBMISSION_SETTINGS) private readonly settings: SubmissionFeatureSettings,
    @Inject(SubmissionHandlers) private readonly handlers: SubmissionHandlers,
    @Inject(SessionSupervisor) private readonly supervisor: SessionSupervisor,
    @Inject(SubmissionGuards) private readonly guards: SubmissionGuards,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(READINESS) private readonly readiness: ReadinessRegistry,
    @Inject(SubmissionMetrics) private readonly metrics: SubmissionMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const s = this.settings;
    // A malformed CIDR stops the start-up here, with the entry named.
    const proxyAllowList = ProxyAllowList.parse(s.proxyAllowedCidrs);
    const tls = readTlsMaterial(s);
    const deps = {
      settings: s,
      handlers: this.handlers,
      supervisor: this.supervisor,
      logger: this.logger,
      proxyAllowList,
      tls,
    };
    const withTls = Boolean(tls);
    const plan: Array<[SubmissionListener, number]> = [
      [new SubmissionListener('submission', deps), s.smtpPort],
    ];
    if (withTls) plan.push([new SubmissionListener('submissions', deps), s.smtpsPort]);
    if (this.guards.policy.trustedNetworks?.enabled)
      plan.push([new SubmissionListener('trusted', deps), s.trustedPort]);
    if (!withTls && !s.allowInsecureAuth)
      this.logger.warn(
        { event: 'smtp_no_tls' },
        'no TLS certificate: AUTH is refused on the submission port',
      );
    for (const [listener, port] of plan) {
      const addr = await listener.listen(port, s.listenHost);
      this.listeners.push(listener);
      this.logger.info(
        {
          event: 'smtp_listening',
          listener: listener.kind,
          port: addr.port,
          tls: withTls && listener.kind !== 'trusted',
          proxy: proxyAllowList.enabled && listener.kind !== 'trusted',
        },
        'SMTP listener open',
      );
    }
    if (tls) this.watchCertificate(tls);
    this.sweeper = setInterval(() => this.guards.authLimiter.sweep(), LIMITER_SWEEP_MS);
    this.sweeper.unref();
    this.readiness.add('smtp', async () => {
      if (this.listeners.some((l) => !l.address)) throw new Error('SMTP listener not bound');
    });
  }

  /** New handshakes on both listeners pick up a renewed certificate without a restart. */
  private watchCertificate(current: TlsMaterial): void {
    this.reloader = new CertificateReloader({
      certFile: this.settings.tlsCertFile,
      keyFile: this.settings.tlsKeyFile,
      current,
      debounceMs: this.settings.tlsReloadDebounceMs,
      apply: (material) =>
        this.listeners
          .filter((l) => l.kind !== 'trusted')
          .forEach((l) => l.updateCertificate(material)),
      onResult: (result) => this.metrics.tlsReload(result),
      logger: this.logger,
    });
    this.reloader.start();
  }

  /**
   * Runs before Kafka's producer disconnects (onApplicationShutdown), so a message
   * whose DATA finishes during the drain is still produced and answered 250. The
   * listeners stay open meanwhile, so a new client hears 421 4.3.2, not a reset.
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    this.reloader?.stop();
    const { shutdownGraceMs, acceptTimeoutMs } = this.settings;
    // Keep a second of the grace period for closing the listeners and Kafka.
    const budget = Math.max(0, shutdownGraceMs - 1000);
    const acceptBound = Math.min(acceptTimeoutMs, budget);
    await this.supervisor.drain(budget - acceptBound, acceptBound);
    await Promise.all(this.listeners.map((l) => l.close()));
  }
}

@Module({})
export class SubmissionFeatureModule {
  static forRoot(settings: SubmissionFeatureSettings): DynamicModule {
    return {
      module: SubmissionFeatureModule,
      controllers: [CredentialsController],
      providers: [
        { provide: SUBMISSION_SETTINGS, useValue: settings },
        {
          provide: CredentialStore,
          inject: [MONGO_CONNECTION],
          useFactory: async (conn: Connection) => {
            const store = new CredentialStore(conn);
            await store.ready();
            return store;
          },
        },
        {
          provide: CredentialAdmin,
          inject: [CredentialStore],
          useFactory: (store: CredentialStore) =>
            new CredentialAdmin(store, {
              maxRecipients: settings.maxRecipients,
              messagesPerMinute: settings.messagesPerMinute,
              recipientsPerMinute: settings.recipientsPerMinute,
            }),
        },
        CredentialsGrpcService,
        {
          provide: SubmissionGuards,
          useFactory: () => guardsFor(settings, trustedNetworksOf(settings)),
        },
        {
          provide: SubmissionMetrics,
          inject: [METRICS, SubmissionGuards],
          useFactory: (m: MetricsRegistry, guards: SubmissionGuards) =>
            new SubmissionMetrics(m, () => guards.authLimiter.activeLockouts()),
        },
        {
          provide: SessionSupervisor,
          inject: [SubmissionGuards, SubmissionMetrics, LOGGER],
          useFactory: (guards: SubmissionGuards, metrics: SubmissionMetrics, logger: Logger) =>
            new SessionSupervisor({
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
            }),
        },
        {
          provide: SubmissionHandlers,
          inject: [CredentialStore, KafkaRuntime, SubmissionMetrics, SubmissionGuards, LOGGER],
          useFactory: (
            store: CredentialStore,
            kafka: KafkaRuntime,
            metrics: SubmissionMetrics,
            guards: SubmissionGuards,
            logger: Logger,
          ) =>
            new SubmissionHandlers({
              store,
              acceptor: new MessageAcceptor(kafka.producer, {
                timeoutMs: settings.acceptTimeoutMs,
                maxRecordBytes: settings.maxRecordBytes,
                onEventsLost: (err) =>
                  logger.warn(
                    { event: 'queued_events_lost', err: err.message },
                    'QUEUED events not produced',
                  ),
                onLateOutcome: (queueId, produced) => {
                  metrics.lateOutcome(produced);
                  logger.warn(
                    { event: 'outbound_late_outcome', queueId, produced },
                    produced
                      ? 'message produced after the client was answered 451: its retry will duplicate it'
                      : 'message answered 451 was finally not produced',
                  );
                },
              }),
              metrics,
              logger,
              guards,
              trusted: settings.trustedNetworks.trim()
                ? new TrustedIdentity(store, settings.trustedCredential.trim())
                : undefined,
              hostname: settings.hostname,
              maxMessageBytes: effectiveMessageLimit(settings),
              maxLineBytes: settings.maxLineBytes,
            }),
        },
        SubmissionListeners,
      ],
    };
  }
}
