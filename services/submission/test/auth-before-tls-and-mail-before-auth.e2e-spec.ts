// Order of the submission dialogue, with a raw client: AUTH on the cleartext
// channel is refused before any secret is exchanged, MAIL before AUTH is refused,
// and implicit TLS (465 role) authenticates directly.
import { authPlain, SmtpLineClient } from './support/smtp-line-client';
import { startSubmission, type SubmissionUnderTest } from './support/submission-e2e';

describe('submission dialogue order', () => {
  let sut: SubmissionUnderTest;

  beforeAll(async () => {
    sut = await startSubmission();
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('greets without the early-talker pause, advertises SIZE, STARTTLS, ENHANCEDSTATUSCODES, no DSN, and AUTH only under TLS', async () => {
    const c = await SmtpLineClient.connect(sut.smtpPort);
    expect(await c.reply()).toMatch(/^220 submit\.postline\.test /);
    const ehlo = await c.command('EHLO client.test');
    expect(ehlo).toMatch(/^250[- ]SIZE 967232$/m);
    expect(ehlo).toMatch(/^250[- ]ENHANCEDSTATUSCODES$/m);
    expect(ehlo).toMatch(/^250[- ]STARTTLS$/m);
    expect(ehlo).not.toMatch(/DSN/);
    // AUTH is offered only where it may be used: inside TLS.
    expect(ehlo).not.toMatch(/^250[- ]AUTH/m);
    expect(await c.startTls()).toMatch(/^220 /);
    expect(await c.command('EHLO client.test')).toMatch(/^250[- ]AUTH PLAIN LOGIN$/m);
    c.close();
  });

  it('refuses AUTH before STARTTLS with 538 5.7.11', async () => {
    const c = await SmtpLineClient.connect(sut.smtpPort);
    await c.reply();
    await c.command('EHLO client.test');
    expect(await c.command(`AUTH PLAIN ${authPlain(sut.username, sut.secret)}`)).toBe(
      '538 5.7.11 Encryption required for requested authentication mechanism',
    );
    c.close();
  });

  it('rejects MAIL FROM before AUTH with 530 5.7.0', async () => {
    const c = await SmtpLineClient.connect(sut.smtpPort);
    await c.reply();
    await c.command('EHLO client.test');
    await c.startTls();
    await c.command('EHLO client.test');
    expect(await c.command(`MAIL FROM:<noreply@${sut.senderDomain}>`)).toBe(
      '530 5.7.0 Authentication required',
    );
    c.close();
  });

  it('refuses a wrong secret with 535 5.7.8 and a foreign sender with 550 5.7.1', async () => {
    const c = await SmtpLineClient.connect(sut.smtpsPort, { implicitTls: true });
    await c.reply();
    await c.command('EHLO client.test');
    expect(await c.command(`AUTH PLAIN ${authPlain(sut.username, 'wrong-secret')}`)).toBe(
      '535 5.7.8 Authentication credentials invalid',
    );
    expect(await c.command(`AUTH PLAIN ${authPlain(sut.username, sut.secret)}`)).toMatch(/^235 /);
    expect(await c.command('MAIL FROM:<someone@not-allowed.test>')).toBe(
      '550 5.7.1 Sender address not allowed for this credential',
    );
    c.close();
  });
});
