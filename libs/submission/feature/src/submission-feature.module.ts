// The submission feature as one Nest module: credentials REST, the SMTP
// listeners (opened on boot, closed first on shutdown so no new message starts)
// and their readiness. Expects the platform modules (config, logger, metrics,
// MongoDB, Kafka).
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
import { CredentialStore } from './credential.store';
import { CredentialsController } from './credentials.controller';
import { MessageAcceptor } from './message-acceptor';
import { SubmissionListener } from './smtp-listener';
import { SUBMISSION_SETTINGS, type SubmissionFeatureSettings } from './submission-feature.settings';
import { SubmissionHandlers } from './submission-session.handlers';
import { SubmissionMetrics } from './submission.metrics';

@Injectable()
export class SubmissionListeners implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly listeners: SubmissionListener[] = [];

  constructor(
    @Inject(SUBMISSION_SETTINGS) private readonly settings: SubmissionFeatureSettings,
    @Inject(SubmissionHandlers) private readonly handlers: SubmissionHandlers,
    @Inject(SubmissionMetrics) private readonly metrics: SubmissionMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(READINESS) private readonly readiness: ReadinessRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const s = this.settings;
    const deps = {
      settings: s,
      handlers: this.handlers,
      metrics: this.metrics,
      logger: this.logger,
    };
    const withTls = Boolean(s.tlsCertFile && s.tlsKeyFile);
    const plan: Array<[SubmissionListener, number]> = [
      [new SubmissionListener('submission', deps), s.smtpPort],
    ];
    if (withTls) plan.push([new SubmissionListener('submissions', deps), s.smtpsPort]);
    if (!withTls && !s.allowInsecureAuth)
      this.logger.warn(
        { event: 'smtp_no_tls' },
        'no TLS certificate: AUTH is refused on the submission port',
      );
    for (const [listener, port] of plan) {
      const addr = await listener.listen(port, s.listenHost);
      this.listeners.push(listener);
      this.logger.info(
        { event: 'smtp_listening', listener: listener.kind, port: addr.port, tls: withTls },
        'SMTP listener open',
      );
    }
    this.readiness.add('smtp', async () => {
      if (this.listeners.some((l) => !l.address)) throw new Error('SMTP listener not bound');
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
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
          provide: SubmissionMetrics,
          inject: [METRICS],
          useFactory: (m: MetricsRegistry) => new SubmissionMetrics(m),
        },
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
          provide: SubmissionHandlers,
          inject: [CredentialStore, KafkaRuntime, SubmissionMetrics, LOGGER],
          useFactory: (
            store: CredentialStore,
            kafka: KafkaRuntime,
            metrics: SubmissionMetrics,
            logger: Logger,
          ) =>
            new SubmissionHandlers({
              store,
              acceptor: new MessageAcceptor(kafka.producer, settings.acceptTimeoutMs, (err) =>
                logger.warn(
                  { event: 'queued_events_lost', err: err.message },
                  'QUEUED events not produced',
                ),
              ),
              metrics,
              logger,
              policy: {
                allowInsecureAuth: settings.allowInsecureAuth,
                maxRecipients: settings.maxRecipients,
              },
              hostname: settings.hostname,
              maxMessageBytes: settings.maxMessageBytes,
            }),
        },
        SubmissionListeners,
      ],
    };
  }
}
