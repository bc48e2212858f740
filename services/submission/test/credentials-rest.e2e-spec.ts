// Operators create SMTP credentials over REST: the answer describes the
// credential and never echoes the secret or its hash; duplicates and bad input
// are refused with distinct codes.
import { randomUUID } from 'node:crypto';
import { httpJson, infra, startService, type ServiceProcess } from '@postline/platform/testing';

describe('POST /v1/credentials', () => {
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await startService('submission', {
      POSTLINE_KAFKA_BROKERS: infra.kafkaBrokers,
      POSTLINE_MONGO_URI: infra.mongoUri,
      POSTLINE_SUBMISSION_SMTP_PORT: '0',
    });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('creates a credential and answers without the secret or its hash', async () => {
    const secret = `secret-${randomUUID()}`;
    const username = `app-${randomUUID().slice(0, 8)}`;
    const res = await httpJson('POST', `${service.httpUrl}/v1/credentials`, {
      username,
      secret,
      allowedSenderDomains: ['Example.COM'],
      maxRecipients: 10,
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      username,
      tenantId: 'default',
      allowedSenderDomains: ['example.com'],
      maxRecipients: 10,
      messagesPerMinute: 1000,
      recipientsPerMinute: 10000,
      enabled: true,
    });
    expect(JSON.stringify(res.body)).not.toContain(secret);

    const again = await httpJson('POST', `${service.httpUrl}/v1/credentials`, {
      username,
      secret,
      allowedSenderDomains: ['example.com'],
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'CREDENTIAL_EXISTS' });
  });

  it('refuses a short secret and unknown fields with 400', async () => {
    const res = await httpJson('POST', `${service.httpUrl}/v1/credentials`, {
      username: 'short-secret',
      secret: 'short',
      allowedSenderDomains: ['example.com'],
      admin: true,
    });
    expect(res.status).toBe(400);
  });

  it('refuses a rate below 1 with 400 and caps a rate above the server limit', async () => {
    const base = { secret: `secret-${randomUUID()}`, allowedSenderDomains: ['example.com'] };
    const zero = await httpJson('POST', `${service.httpUrl}/v1/credentials`, {
      ...base,
      username: `app-${randomUUID().slice(0, 8)}`,
      messagesPerMinute: 0,
    });
    expect(zero.status).toBe(400);
    const greedy = await httpJson('POST', `${service.httpUrl}/v1/credentials`, {
      ...base,
      username: `app-${randomUUID().slice(0, 8)}`,
      messagesPerMinute: 50_000,
      recipientsPerMinute: 7,
    });
    expect(greedy.status).toBe(201);
    expect(greedy.body).toMatchObject({ messagesPerMinute: 1000, recipientsPerMinute: 7 });
  });
});
