// The listener's tuning of smtp-server, over a loopback socket: the greeting
// pause is our setting (not the library's fixed 100 ms), and replies the library
// words itself carry our catalogue's enhanced codes.
import * as net from 'node:net';
import { createLogger } from '@postline/platform/logging';
import { createMetricsRegistry } from '@postline/platform/metrics';
import { SubmissionListener } from './smtp-listener';
import type { SubmissionFeatureSettings } from './submission-feature.settings';
import type { SubmissionHandlers } from './submission-session.handlers';
import { SubmissionMetrics } from './submission.metrics';

const settings: SubmissionFeatureSettings = {
  hostname: 'submit.test',
  listenHost: '127.0.0.1',
  smtpPort: 0,
  smtpsPort: 0,
  tlsCertFile: '',
  tlsKeyFile: '',
  allowInsecureAuth: false,
  maxMessageBytes: 1000,
  maxRecipients: 100,
  acceptTimeoutMs: 1000,
  greetingDelayMs: 0,
  reverseLookup: false,
};
const handlers = {
  onMailFrom: (_a: unknown, _s: unknown, done: () => void) => done(),
} as unknown as SubmissionHandlers;

async function withListener(
  over: Partial<SubmissionFeatureSettings>,
  run: (port: number) => Promise<void>,
): Promise<void> {
  const listener = new SubmissionListener('submission', {
    settings: { ...settings, ...over },
    handlers,
    metrics: new SubmissionMetrics(createMetricsRegistry('submission_listener_spec')),
    logger: createLogger({ service: 'submission', level: 'silent' }),
  });
  const { port } = await listener.listen(0, '127.0.0.1');
  try {
    await run(port);
  } finally {
    await listener.close();
  }
}

/** Sends `lines` after the greeting and resolves with everything read until `until` matches. */
function talk(
  port: number,
  lines: string[],
  until: RegExp,
): Promise<{ text: string; greetingMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let greetingMs = -1;
    let text = '';
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      if (greetingMs < 0) {
        greetingMs = Date.now() - started;
        socket.write(lines.map((l) => `${l}\r\n`).join(''));
      }
      text += chunk.toString();
      if (until.test(text)) {
        socket.destroy();
        resolve({ text, greetingMs });
      }
    });
  });
}

describe('SubmissionListener', () => {
  it("greets without smtp-server's 100 ms early-talker pause by default", async () => {
    await withListener({}, async (port) => {
      const { greetingMs } = await talk(port, ['QUIT'], /^221 /m);
      expect(greetingMs).toBeLessThan(100);
    });
  });

  it('keeps an early-talker pause when one is configured', async () => {
    await withListener({ greetingDelayMs: 250 }, async (port) => {
      const { greetingMs } = await talk(port, ['QUIT'], /^221 /m);
      expect(greetingMs).toBeGreaterThanOrEqual(240);
    });
  });

  it("rewrites the library's MAIL-before-AUTH reply to 530 5.7.0 from the catalogue", async () => {
    await withListener({}, async (port) => {
      const { text } = await talk(port, ['EHLO c.test', 'MAIL FROM:<a@b.test>'], /^530 .*\r\n/m);
      expect(text).toMatch(/^530 5\.7\.0 Authentication required\r\n/m);
    });
  });
});
