// The trusted-network port (POSTLINE_SUBMISSION_TRUSTED_NETWORKS), like Postfix's
// mynetworks: a client at a listed address submits over plain SMTP without AUTH,
// and its message reaches mail.outbound.v1 as the configured credential's mail;
// a client at any other address gets 554 5.7.1 instead of a greeting; and with
// the default settings there is no such port at all. Two clients on the
// loopback /8: 127.0.0.2 is listed, 127.0.0.1 is not.
import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { Topics } from '@postline/platform/kafka';
import {
  TopicTap,
  freePorts,
  httpJson,
  infra,
  startService,
  type ServiceProcess,
} from '@postline/platform/testing';
import { Kafka, logLevel } from 'kafkajs';
import { SmtpLineClient } from './support/smtp-line-client';
import { decodeOutbound, fromDomain } from './support/submission-e2e';

const TRUSTED_CLIENT = '127.0.0.2';
const OTHER_CLIENT = '127.0.0.1';

/** Resolves with the socket error code of a connection attempt, or 'connected'. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe('trusted-network listener', () => {
  const run = randomUUID().slice(0, 8);
  const domain = `relay-${run}.example`;
  const credential = `relay-${run}`;
  const tenant = `tenant-${run}`;
  let service: ServiceProcess;
  let trustedPort: number;
  let outbound: TopicTap;

  beforeAll(async () => {
    const [smtpPort, port] = await freePorts(2);
    trustedPort = port;
    service = await startService('submission', {
      POSTLINE_KAFKA_BROKERS: infra.kafkaBrokers,
      POSTLINE_MONGO_URI: infra.mongoUri,
      POSTLINE_LOG_LEVEL: 'info',
      POSTLINE_SUBMISSION_HOSTNAME: 'submit.postline.test',
      POSTLINE_SUBMISSION_SMTP_PORT: String(smtpPort),
      POSTLINE_SUBMISSION_TRUSTED_NETWORKS: `${TRUSTED_CLIENT}/32`,
      POSTLINE_SUBMISSION_TRUSTED_PORT: String(trustedPort),
      POSTLINE_SUBMISSION_TRUSTED_CREDENTIAL: credential,
    });
    const res = await httpJson(
      'POST',
      `${service.httpUrl}/v1/credentials`,
      { username: credential, secret: `secret-${randomUUID()}`, allowedSenderDomains: [domain] },
      { 'x-postline-tenant': tenant },
    );
    if (res.status !== 201)
      throw new Error(`credential: ${res.status} ${JSON.stringify(res.body)}`);
    const kafka = new Kafka({
      brokers: infra.kafkaBrokers.split(','),
      clientId: 'e2e-submission-trusted',
      logLevel: logLevel.NOTHING,
    });
    outbound = await TopicTap.open(kafka, Topics.outbound);
  });
  afterAll(async () => {
    await outbound?.close();
    await service?.stop();
  });

  it('delivers mail from a listed address to mail.outbound.v1 without AUTH, as the credential', async () => {
    const c = await SmtpLineClient.connect(trustedPort, { localAddress: TRUSTED_CLIENT });
    expect(await c.reply()).toMatch(/^220 /);
    expect(await c.command('EHLO app.internal')).not.toMatch(/AUTH|STARTTLS/);
    expect(await c.command(`MAIL FROM:<app@${domain}>`)).toMatch(/^250 /);
    expect(await c.command('RCPT TO:<someone@one.test>')).toMatch(/^250 /);
    expect(await c.command('DATA')).toMatch(/^354 /);
    const reply = await c.command(
      `From: <app@${domain}>\r\nTo: <someone@one.test>\r\nSubject: trusted\r\n\r\nhello\r\n.`,
    );
    c.close();
    expect(reply).toMatch(/^250 2\.0\.0 Queued as [0-9a-f]{32}$/);
    const [record] = await outbound.waitFor(fromDomain(domain), 1, 15000, 'trusted mail');
    const message = decodeOutbound(record);
    expect(message.tenantId).toBe(tenant);
    expect(message.envelope?.rcptTo).toEqual(['someone@one.test']);
    expect(Buffer.from(message.rawMime).toString()).toMatch(
      /^Received: from app\.internal \(\[127\.0\.0\.2\]\)\r\n\tby submit\.postline\.test \(Postline submission\) with ESMTP\r\n/,
    );
  });

  it('refuses an address outside the trusted networks with 554 5.7.1 instead of a greeting', async () => {
    const c = await SmtpLineClient.connect(trustedPort, { localAddress: OTHER_CLIENT });
    expect(await c.reply()).toBe(
      '554 5.7.1 Access denied: this port accepts mail only from trusted networks',
    );
    await c.closedByServer();
    const metrics = await (await fetch(`${service.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /^postline_submission_sessions_refused_total\{reason="UNTRUSTED_NETWORK"\} 1$/m,
    );
  });

  it('opens no trusted port with the default settings', async () => {
    const [smtpPort, unusedTrustedPort] = await freePorts(2);
    const plain = await startService('submission', {
      POSTLINE_KAFKA_BROKERS: infra.kafkaBrokers,
      POSTLINE_MONGO_URI: infra.mongoUri,
      POSTLINE_SUBMISSION_SMTP_PORT: String(smtpPort),
      POSTLINE_SUBMISSION_TRUSTED_PORT: String(unusedTrustedPort),
      POSTLINE_SUBMISSION_TRUSTED_CREDENTIAL: credential,
    });
    try {
      expect(await connectOutcome(smtpPort)).toBe('connected');
      expect(await connectOutcome(unusedTrustedPort)).toBe('ECONNREFUSED');
    } finally {
      await plain.stop();
    }
  });
});
