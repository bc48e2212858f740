// Operators manage SMTP credentials over REST: answers describe the credential
// and never carry the secret or its hash (a generated secret is shown once);
// duplicates, unknown usernames and bad input are refused with distinct codes.
import { randomUUID } from 'node:crypto';
import { httpJson, infra, startService, type ServiceProcess } from '@postline/platform/testing';

describe('/v1/credentials', () => {
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
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
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

  it('reads, pages, updates, disables and rotates by username without showing the hash', async () => {
    const api = `${service.httpUrl}/v1/credentials`;
    const tenant = `t-${randomUUID().slice(0, 8)}`;
    const username = `app-${randomUUID().slice(0, 8)}`;
    const created = await httpJson(
      'POST',
      api,
      {
        username,
        allowedSenderDomains: ['example.com'],
      },
      { 'x-postline-tenant': tenant },
    );
    expect(created.status).toBe(201);
    expect(created.body.generatedSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.body.tenantId).toBe(tenant);

    const got = await httpJson('GET', `${api}/${username}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ username, enabled: true });
    expect(got.body).not.toHaveProperty('generatedSecret');
    expect(JSON.stringify(got.body)).not.toMatch(/secret|hash|salt/i);

    const listed = await httpJson('GET', `${api}?tenantId=${tenant}&pageSize=10`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ credentials: [got.body] });

    const patched = await httpJson('PATCH', `${api}/${username}`, { maxRecipients: 3 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ maxRecipients: 3, updatedAt: expect.any(String) });
    const disabled = await httpJson('POST', `${api}/${username}/disable`);
    expect(disabled.body).toMatchObject({ enabled: false });
    const rotated = await httpJson('POST', `${api}/${username}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.generatedSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rotated.body.generatedSecret).not.toBe(created.body.generatedSecret);
  });

  it('answers 404 CREDENTIAL_NOT_FOUND for an unknown username and 400 for bad changes', async () => {
    const api = `${service.httpUrl}/v1/credentials`;
    const unknown = `nobody-${randomUUID().slice(0, 8)}`;
    for (const [method, path, body] of [
      ['GET', `/${unknown}`, undefined],
      ['PATCH', `/${unknown}`, { enabled: true }],
      ['POST', `/${unknown}/disable`, undefined],
      ['POST', `/${unknown}/rotate-secret`, {}],
    ] as const) {
      const res = await httpJson(method, `${api}${path}`, body);
      expect({ path, status: res.status, code: res.body.code }).toEqual({
        path,
        status: 404,
        code: 'CREDENTIAL_NOT_FOUND',
      });
    }
    expect(
      (await httpJson('PATCH', `${api}/${unknown}`, { allowedSenderDomains: [] })).status,
    ).toBe(400);
    expect((await httpJson('PATCH', `${api}/${unknown}`, { secret: 'x'.repeat(20) })).status).toBe(
      400,
    );
    expect((await httpJson('GET', `${api}?pageSize=0`)).status).toBe(400);
    const badToken = await httpJson('GET', `${api}?pageToken=forged!`);
    expect(badToken).toMatchObject({ status: 400, body: { code: 'INVALID_CREDENTIAL_FIELD' } });
  });
});
