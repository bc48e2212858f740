// Operators manage SMTP credentials over gRPC (CredentialService) with a real
// @grpc/grpc-js client: a credential created there logs in over SMTP with the
// secret shown once and gets a message onto mail.outbound.v1; once disabled its
// AUTH is refused. Bad input is INVALID_ARGUMENT naming the .proto field, an
// unknown username NOT_FOUND, a taken one ALREADY_EXISTS; the secret and its
// stored hash appear in no answer.
import { randomUUID } from 'node:crypto';
import { Client as GrpcClient, credentials, status, type ServiceError } from '@grpc/grpc-js';
import { submissionV1 } from '@postline/contracts';
import { createGrpcClient, unary } from '@postline/platform/grpc';
import { infra, listServicesByReflection } from '@postline/platform/testing';
import mongoose from 'mongoose';
import nodemailer from 'nodemailer';
import { authPlain, SmtpLineClient } from './support/smtp-line-client';
import { fromDomain, startSubmission, type SubmissionUnderTest } from './support/submission-e2e';

type Client = submissionV1.CredentialServiceClient;

function sendWith(sut: SubmissionUnderTest, username: string, secret: string) {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: sut.smtpPort,
    secure: false,
    requireTLS: true,
    auth: { user: username, pass: secret },
    tls: { rejectUnauthorized: false },
  });
  const from = `grpc@${sut.senderDomain}`;
  return transport
    .sendMail({
      envelope: { from, to: ['someone@one.test'] },
      raw: `From: <${from}>\r\nTo: <someone@one.test>\r\nSubject: gRPC credential\r\n\r\nhello\r\n`,
    })
    .finally(() => transport.close());
}

async function authReply(sut: SubmissionUnderTest, username: string, secret: string) {
  const c = await SmtpLineClient.connect(sut.smtpsPort, { implicitTls: true });
  try {
    await c.reply();
    await c.command('EHLO client.test');
    return await c.command(`AUTH PLAIN ${authPlain(username, secret)}`);
  } finally {
    c.close();
  }
}

async function failure(call: Promise<unknown>): Promise<ServiceError> {
  return call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (e: ServiceError) => e,
  );
}

/** One unary call whose answer is returned as the raw protobuf bytes. */
function rawCall(
  sut: SubmissionUnderTest,
  method: string,
  request: { finish(): Uint8Array },
): Promise<Buffer> {
  const raw = new GrpcClient(sut.service.grpcAddress, credentials.createInsecure());
  return new Promise<Buffer>((resolve, reject) =>
    raw.makeUnaryRequest(
      `/postline.submission.v1.CredentialService/${method}`,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from(request.finish()),
      (err, res) => (err || !res ? reject(err ?? new Error('no answer')) : resolve(res)),
    ),
  ).finally(() => raw.close());
}

/** The stored scrypt hash and salt, read from the service's own database. */
async function storedHash(username: string): Promise<{ hash: string; salt: string }> {
  const conn = await mongoose
    .createConnection(infra.mongoUri, { dbName: 'postline_submission' })
    .asPromise();
  try {
    const doc = await conn.db!.collection('credentials').findOne({ username });
    return doc!.secret as { hash: string; salt: string };
  } finally {
    await conn.close();
  }
}

describe('credentials over gRPC (postline.submission.v1.CredentialService)', () => {
  let sut: SubmissionUnderTest;
  let client: Client;
  const name = () => `grpc-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    sut = await startSubmission();
    client = createGrpcClient(submissionV1.CredentialServiceClient, sut.service.grpcAddress);
  });
  afterAll(async () => {
    client?.close();
    await sut?.stop();
  });

  it('is offered through gRPC reflection beside health', async () => {
    const services = await listServicesByReflection(sut.service.grpcAddress);
    expect(services).toEqual(
      expect.arrayContaining(['grpc.health.v1.Health', 'postline.submission.v1.CredentialService']),
    );
  });

  it('creates a credential whose generated secret sends a message; once disabled AUTH is refused', async () => {
    const username = name();
    const created = await unary(client.createCredential.bind(client), {
      tenantId: 'tenant-a',
      username,
      secret: '',
      allowedSenderDomains: [sut.senderDomain.toUpperCase()],
      maxRecipients: 5,
    });
    expect(created.credential).toMatchObject({
      username,
      tenantId: 'tenant-a',
      allowedSenderDomains: [sut.senderDomain],
      maxRecipients: 5,
      messagesPerMinute: 1000,
      recipientsPerMinute: 10000,
      enabled: true,
    });
    expect(created.credential?.createdAt).toBeInstanceOf(Date);
    const secret = created.generatedSecret;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const info = await sendWith(sut, username, secret);
    expect(info.response).toMatch(/^250 2\.0\.0 Queued as [0-9a-f]{32}$/);
    await sut.outbound.waitFor(fromDomain(sut.senderDomain), 1, 15000, 'message of the credential');

    const disabled = await unary(client.disableCredential.bind(client), { username });
    expect(disabled.credential).toMatchObject({ username, enabled: false });
    expect(disabled.credential?.updatedAt).toBeInstanceOf(Date);
    expect(await authReply(sut, username, secret)).toBe(
      '535 5.7.8 Authentication credentials invalid',
    );

    const enabled = await unary(client.updateCredential.bind(client), {
      username,
      allowedSenderDomains: undefined,
      enabled: true,
    });
    expect(enabled.credential).toMatchObject({ enabled: true, maxRecipients: 5 });
    expect(await authReply(sut, username, secret)).toMatch(/^235 /);
  });

  it('rotates a secret: the old one is refused, the new one (shown once) logs in', async () => {
    const username = name();
    const given = `given-${randomUUID()}`;
    const created = await unary(client.createCredential.bind(client), {
      tenantId: '',
      username,
      secret: given,
      allowedSenderDomains: [sut.senderDomain],
    });
    expect(created.generatedSecret).toBe('');
    expect(created.credential?.tenantId).toBe('default');
    const rotated = await unary(client.rotateCredentialSecret.bind(client), {
      username,
      secret: '',
    });
    expect(rotated.generatedSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await authReply(sut, username, given)).toBe(
      '535 5.7.8 Authentication credentials invalid',
    );
    expect(await authReply(sut, username, rotated.generatedSecret)).toMatch(/^235 /);
  });

  it('never answers the secret or its stored hash in Get, List, Update or Disable', async () => {
    const username = name();
    const secret = `never-echoed-${randomUUID()}`;
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    await unary(client.createCredential.bind(client), {
      tenantId,
      username,
      secret,
      allowedSenderDomains: ['hidden.example'],
    });
    const { hash, salt } = await storedHash(username);
    expect(hash.length).toBeGreaterThan(20);
    const got = await unary(client.getCredential.bind(client), { username });
    const listed = await unary(client.listCredentials.bind(client), {
      tenantId,
      pageSize: 0,
      pageToken: '',
    });
    const updated = await unary(client.updateCredential.bind(client), {
      username,
      allowedSenderDomains: { domains: ['other.example'] },
      messagesPerMinute: 10,
    });
    const disabled = await unary(client.disableCredential.bind(client), { username });
    expect(listed).toMatchObject({ credentials: [{ username }], nextPageToken: '' });
    expect(updated.credential).toMatchObject({
      allowedSenderDomains: ['other.example'],
      messagesPerMinute: 10,
    });
    // The bytes on the wire too, undecoded: a decoder would drop fields it does not know.
    const wire = [
      await rawCall(sut, 'GetCredential', submissionV1.GetCredentialRequest.encode({ username })),
      await rawCall(
        sut,
        'ListCredentials',
        submissionV1.ListCredentialsRequest.encode({
          tenantId,
          pageSize: 0,
          pageToken: '',
        }),
      ),
    ].map((b) => b.toString('latin1'));
    expect(wire[0]).toContain(username);
    for (const bytes of wire) {
      for (const hidden of [secret, hash, salt]) expect(bytes).not.toContain(hidden);
    }
    const answers = [got, listed, updated, disabled];
    const json = JSON.stringify(answers);
    for (const hidden of [secret, hash, salt, '"secret"', '"hash"'])
      expect(json).not.toContain(hidden);
  });

  it('pages ListCredentials by tenant in username order', async () => {
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const names = [name(), name(), name()].sort();
    for (const username of names) {
      await unary(client.createCredential.bind(client), {
        tenantId,
        username,
        secret: `secret-${randomUUID()}`,
        allowedSenderDomains: ['page.example'],
      });
    }
    const first = await unary(client.listCredentials.bind(client), {
      tenantId,
      pageSize: 2,
      pageToken: '',
    });
    expect(first.credentials.map((c) => c.username)).toEqual(names.slice(0, 2));
    expect(first.nextPageToken).not.toBe('');
    const second = await unary(client.listCredentials.bind(client), {
      tenantId,
      pageSize: 2,
      pageToken: first.nextPageToken,
    });
    expect(second.credentials.map((c) => c.username)).toEqual(names.slice(2));
    expect(second.nextPageToken).toBe('');
  });

  it('refuses bad input with INVALID_ARGUMENT naming the field', async () => {
    const base = {
      tenantId: '',
      username: name(),
      secret: `secret-${randomUUID()}`,
      allowedSenderDomains: ['example.com'],
    };
    // Thunks: one call at a time, so no refusal waits unobserved while an earlier one is checked.
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['secret', () => unary(client.createCredential.bind(client), { ...base, secret: 'short' })],
      ['username', () => unary(client.createCredential.bind(client), { ...base, username: 'a b' })],
      [
        'allowed_sender_domains',
        () => unary(client.createCredential.bind(client), { ...base, allowedSenderDomains: [] }),
      ],
      [
        'allowed_sender_domains',
        () =>
          unary(client.createCredential.bind(client), {
            ...base,
            allowedSenderDomains: ['not a domain'],
          }),
      ],
      [
        'max_recipients',
        () => unary(client.createCredential.bind(client), { ...base, maxRecipients: 0 }),
      ],
      [
        'messages_per_minute',
        () => unary(client.createCredential.bind(client), { ...base, messagesPerMinute: 0 }),
      ],
      [
        'allowed_sender_domains',
        () =>
          unary(client.updateCredential.bind(client), {
            username: base.username,
            allowedSenderDomains: { domains: [] },
          }),
      ],
      [
        'secret',
        () =>
          unary(client.rotateCredentialSecret.bind(client), {
            username: base.username,
            secret: 'short',
          }),
      ],
      [
        'page_size',
        () =>
          unary(client.listCredentials.bind(client), {
            tenantId: '',
            pageSize: 501,
            pageToken: '',
          }),
      ],
      [
        'page_token',
        () =>
          unary(client.listCredentials.bind(client), {
            tenantId: '',
            pageSize: 0,
            pageToken: 'forged!',
          }),
      ],
      ['username', () => unary(client.getCredential.bind(client), { username: '' })],
    ];
    for (const [field, call] of cases) {
      const e = await failure(call());
      expect({ field, code: e.code }).toEqual({ field, code: status.INVALID_ARGUMENT });
      expect(e.details.startsWith(`${field}: `)).toBe(true);
    }
    // Nothing was stored by the refused creates.
    const get = await failure(
      unary(client.getCredential.bind(client), { username: base.username }),
    );
    expect(get.code).toBe(status.NOT_FOUND);
  });

  it('answers NOT_FOUND for an unknown username and ALREADY_EXISTS for a taken one', async () => {
    const unknown = name();
    const calls = [
      () => unary(client.getCredential.bind(client), { username: unknown }),
      () =>
        unary(client.updateCredential.bind(client), {
          username: unknown,
          allowedSenderDomains: undefined,
          enabled: true,
        }),
      () => unary(client.disableCredential.bind(client), { username: unknown }),
      () => unary(client.rotateCredentialSecret.bind(client), { username: unknown, secret: '' }),
    ];
    for (const call of calls) expect((await failure(call())).code).toBe(status.NOT_FOUND);

    const taken = {
      tenantId: '',
      username: name(),
      secret: `secret-${randomUUID()}`,
      allowedSenderDomains: ['example.com'],
    };
    await unary(client.createCredential.bind(client), taken);
    const again = await failure(unary(client.createCredential.bind(client), taken));
    expect(again.code).toBe(status.ALREADY_EXISTS);
    expect(again.details).toContain(taken.username);
  });
});
