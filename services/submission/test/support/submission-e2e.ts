// Shared set-up of the submission scenarios: a self-signed certificate made at
// test time, the service started with its SMTP ports, a credential created over
// REST, and a tap on mail.outbound.v1.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { events } from '@postline/contracts';
import { Topics } from '@postline/platform/kafka';
import {
  TopicTap,
  type TappedRecord,
  freePorts,
  httpJson,
  infra,
  startService,
  type ServiceProcess,
} from '@postline/platform/testing';
import { Kafka, logLevel } from 'kafkajs';

export interface SubmissionUnderTest {
  service: ServiceProcess;
  smtpPort: number;
  smtpsPort: number;
  kafka: Kafka;
  outbound: TopicTap;
  /** A unique sender domain per scenario, so taps see only this scenario's mail. */
  senderDomain: string;
  username: string;
  secret: string;
  stop(): Promise<void>;
}

export function selfSignedCert(): { certFile: string; keyFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'postline-submission-tls-'));
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

export type SubmissionProcess = Omit<SubmissionUnderTest, 'kafka' | 'outbound'>;

/** The service with a fresh credential, on the shared Kafka unless POSTLINE_KAFKA_BROKERS is given. */
export interface CredentialOptions {
  maxRecipients?: number;
  messagesPerMinute?: number;
  recipientsPerMinute?: number;
}

export async function startSubmissionProcess(
  extraEnv: Record<string, string> = {},
  credential: CredentialOptions = {},
): Promise<SubmissionProcess> {
  const { certFile, keyFile } = selfSignedCert();
  const [smtpPort, smtpsPort] = await freePorts(2);
  const service = await startService('submission', {
    POSTLINE_KAFKA_BROKERS: infra.kafkaBrokers,
    POSTLINE_MONGO_URI: infra.mongoUri,
    POSTLINE_LOG_LEVEL: 'info',
    POSTLINE_SUBMISSION_LISTEN_HOST: '127.0.0.1',
    POSTLINE_SUBMISSION_SMTP_PORT: String(smtpPort),
    POSTLINE_SUBMISSION_SMTPS_PORT: String(smtpsPort),
    POSTLINE_SUBMISSION_TLS_CERT_FILE: certFile,
    POSTLINE_SUBMISSION_TLS_KEY_FILE: keyFile,
    POSTLINE_SUBMISSION_HOSTNAME: 'submit.postline.test',
    ...extraEnv,
  });
  const run = randomUUID().slice(0, 8);
  const senderDomain = `app-${run}.example`;
  const username = `app-${run}`;
  const secret = `secret-${randomUUID()}`;
  const res = await httpJson('POST', `${service.httpUrl}/v1/credentials`, {
    username,
    secret,
    allowedSenderDomains: [senderDomain],
    ...credential,
  });
  if (res.status !== 201) {
    await service.stop();
    throw new Error(`credential not created: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return {
    service,
    smtpPort,
    smtpsPort,
    senderDomain,
    username,
    secret,
    stop: async () => {
      await service.stop();
    },
  };
}

export async function startSubmission(
  extraEnv: Record<string, string> = {},
  credential: CredentialOptions = {},
): Promise<SubmissionUnderTest> {
  const proc = await startSubmissionProcess(extraEnv, credential);
  const kafka = new Kafka({
    brokers: infra.kafkaBrokers.split(','),
    clientId: 'e2e-submission',
    logLevel: logLevel.NOTHING,
  });
  const outbound = await TopicTap.open(kafka, Topics.outbound).catch(async (e: unknown) => {
    await proc.stop();
    throw e;
  });
  return {
    ...proc,
    kafka,
    outbound,
    stop: async () => {
      await outbound.close();
      await proc.stop();
    },
  };
}

export function decodeOutbound(r: TappedRecord): events.OutboundMessage {
  return events.OutboundMessage.decode(r.message.value as Buffer);
}

/** Outbound records of one scenario: sent from its unique sender domain. */
export function fromDomain(domain: string) {
  return (r: TappedRecord) => decodeOutbound(r).envelope?.mailFrom.endsWith(`@${domain}`) ?? false;
}

/** One series of the service's /metrics, e.g. `auth_lockouts_total{scope="client"}`; NaN when absent. */
export async function metricValue(httpUrl: string, series: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`postline_submission_${series} `));
  return line ? Number(line.split(' ').pop()) : NaN;
}

/** Sends one small message on an authenticated session and returns the final reply. */
export async function sendOne(
  c: { command(line: string): Promise<string> },
  from: string,
  to: string,
  subject: string,
): Promise<string> {
  const mail = await c.command(`MAIL FROM:<${from}>`);
  if (!mail.startsWith('250')) return mail;
  const rcpt = await c.command(`RCPT TO:<${to}>`);
  if (!rcpt.startsWith('250')) return rcpt;
  const data = await c.command('DATA');
  if (!data.startsWith('354')) return data;
  return c.command(`From: <${from}>\r\nTo: <${to}>\r\nSubject: ${subject}\r\n\r\nhello\r\n.`);
}
