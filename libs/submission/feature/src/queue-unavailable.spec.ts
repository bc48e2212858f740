// Durable acceptance seen from the client, over a loopback socket: when Kafka
// does not acknowledge within the bound, the answer is 451 4.3.0, never 250.
import * as net from 'node:net';
import { createLogger } from '@postline/platform/logging';
import { createMetricsRegistry } from '@postline/platform/metrics';
import type { DurableProducer } from '@postline/platform/kafka';
import { hashSecret } from '@postline/submission/domain';
import type { CredentialRecord, CredentialStore } from './credential.store';
import { MessageAcceptor } from './message-acceptor';
import { SubmissionListener } from './smtp-listener';
import { SubmissionHandlers } from './submission-session.handlers';
import { SubmissionMetrics } from './submission.metrics';

function dialogue(port: number, lines: string[], until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    let sent = false;
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (!sent) {
        sent = true;
        socket.write(lines.map((l) => `${l}\r\n`).join(''));
      }
      if (until.test(text)) {
        socket.destroy();
        resolve(text);
      }
    });
  });
}

describe('queue unavailable', () => {
  it('answers 451 4.3.0 at end of DATA when Kafka does not acknowledge in time', async () => {
    const credential: CredentialRecord = {
      username: 'app',
      tenantId: 'default',
      secret: await hashSecret('a-long-enough-secret', { N: 1024, r: 8, p: 1 }),
      allowedSenderDomains: ['example.com'],
      maxRecipients: 10,
      enabled: true,
      createdAt: new Date(),
    };
    const store = { find: async () => credential } as unknown as CredentialStore;
    const hung = { send: () => new Promise<void>(() => undefined) } as unknown as DurableProducer;
    const metrics = new SubmissionMetrics(createMetricsRegistry('submission_queue_spec'));
    const logger = createLogger({ service: 'submission', level: 'silent' });
    const settings = {
      hostname: 'submit.test',
      listenHost: '127.0.0.1',
      smtpPort: 0,
      smtpsPort: 0,
      tlsCertFile: '',
      tlsKeyFile: '',
      allowInsecureAuth: true,
      maxMessageBytes: 10000,
      maxRecipients: 100,
      acceptTimeoutMs: 200,
      greetingDelayMs: 0,
      reverseLookup: false,
    };
    const handlers = new SubmissionHandlers({
      store,
      acceptor: new MessageAcceptor(hung, settings.acceptTimeoutMs),
      metrics,
      logger,
      policy: { allowInsecureAuth: true, maxRecipients: 100 },
      hostname: settings.hostname,
      maxMessageBytes: settings.maxMessageBytes,
    });
    const listener = new SubmissionListener('submission', { settings, handlers, metrics, logger });
    const { port } = await listener.listen(0, '127.0.0.1');
    try {
      const auth = Buffer.from('\0app\0a-long-enough-secret').toString('base64');
      // The client pipelines the whole transaction; smtp-server parses it in order.
      const text = await dialogue(
        port,
        [
          'EHLO c.test',
          `AUTH PLAIN ${auth}`,
          'MAIL FROM:<a@example.com>',
          'RCPT TO:<b@one.test>',
          'DATA',
          'Subject: x',
          '',
          'hello',
          '.',
        ],
        /^4\d\d |^5\d\d /m,
      );
      expect(text).toMatch(/^354 /m);
      expect(text).toMatch(/^451 4\.3\.0 Queue temporarily unavailable/m);
      expect(text).not.toMatch(/^250 2\.0\.0 Queued/m);
    } finally {
      await listener.close();
    }
  });
});
