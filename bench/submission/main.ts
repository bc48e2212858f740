// Entry of `npm run bench -- submission` (bench/submission/run.sh): starts the
// submission service on the local infrastructure and measures, over implicit
// TLS with nodemailer, (1) messages accepted per second by a pool of sessions —
// each 250 meaning the message is on mail.outbound.v1 with acks=all — with the
// client-side latency of each send, and (2) new authenticated sessions per
// second (TLS handshake + scrypt AUTH). Prints each figure, then one JSON object.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, httpJson, infra, startService } from '@postline/platform/testing';
import nodemailer from 'nodemailer';

const MESSAGES = Number(process.env.BENCH_SUBMISSION_MESSAGES ?? 2000);
const SESSIONS = Number(process.env.BENCH_SUBMISSION_SESSIONS ?? 8);
const AUTHS = Number(process.env.BENCH_SUBMISSION_AUTHS ?? 100);

const round = (n: number, digits = 0) => Number(n.toFixed(digits));

function selfSigned(): { certFile: string; keyFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'postline-bench-submission-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs `work` for indexes 0..count-1 with at most `width` in flight. */
async function pooled(count: number, width: number, work: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

async function main(): Promise<void> {
  const { certFile, keyFile } = selfSigned();
  const [smtpPort, smtpsPort] = await freePorts(2);
  const service = await startService('submission', {
    POSTLINE_KAFKA_BROKERS: infra.kafkaBrokers,
    POSTLINE_MONGO_URI: infra.mongoUri,
    POSTLINE_LOG_LEVEL: 'warn',
    POSTLINE_SUBMISSION_SMTP_PORT: String(smtpPort),
    POSTLINE_SUBMISSION_SMTPS_PORT: String(smtpsPort),
    POSTLINE_SUBMISSION_TLS_CERT_FILE: certFile,
    POSTLINE_SUBMISSION_TLS_KEY_FILE: keyFile,
    POSTLINE_SUBMISSION_MESSAGES_PER_MINUTE: '100000000',
    POSTLINE_SUBMISSION_RECIPIENTS_PER_MINUTE: '100000000',
  });
  try {
    const run = randomUUID().slice(0, 8);
    const domain = `bench-${run}.example`;
    const user = `bench-${run}`;
    const pass = `secret-${randomUUID()}`;
    const res = await httpJson('POST', `${service.httpUrl}/v1/credentials`, {
      username: user,
      secret: pass,
      allowedSenderDomains: [domain],
    });
    if (res.status !== 201) throw new Error(`credential: ${res.status}`);
    const options = {
      host: '127.0.0.1',
      port: smtpsPort,
      secure: true,
      auth: { user, pass },
      tls: { rejectUnauthorized: false },
    };

    const pool = nodemailer.createTransport({
      ...options,
      pool: true,
      maxConnections: SESSIONS,
      maxMessages: Infinity,
    });
    const latencies: number[] = [];
    const started = process.hrtime.bigint();
    await pooled(MESSAGES, SESSIONS * 2, async (i) => {
      const t0 = process.hrtime.bigint();
      await pool.sendMail({
        from: `app@${domain}`,
        to: `r${i % 50}@d${i % 7}.bench.example`,
        subject: `bench ${i}`,
        text: `message ${i}\n${'lorem ipsum dolor sit amet '.repeat(40)}`,
      });
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    pool.close();
    latencies.sort((a, b) => a - b);
    const acceptRate = MESSAGES / seconds;
    process.stdout.write(
      `accepted ${MESSAGES} messages over ${SESSIONS} sessions: ${round(acceptRate)} msg/s, ` +
        `p50 ${round(percentile(latencies, 50), 1)} ms, p99 ${round(percentile(latencies, 99), 1)} ms\n`,
    );

    const authStarted = process.hrtime.bigint();
    await pooled(AUTHS, 4, async () => {
      const t = nodemailer.createTransport(options);
      await t.verify();
      t.close();
    });
    const authRate = AUTHS / (Number(process.hrtime.bigint() - authStarted) / 1e9);
    process.stdout.write(
      `new TLS sessions with AUTH (scrypt), 4 at a time: ${round(authRate, 1)}/s\n`,
    );

    const result = {
      messages: MESSAGES,
      sessions: SESSIONS,
      accept_rate: round(acceptRate),
      accept_p50_ms: round(percentile(latencies, 50), 1),
      accept_p99_ms: round(percentile(latencies, 99), 1),
      auth_sessions_per_s: round(authRate, 1),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await service.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench submission failed: ${(e as Error)?.stack ?? e}\n`);
    process.exit(1);
  },
);
