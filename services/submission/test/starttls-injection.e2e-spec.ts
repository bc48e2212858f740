// STARTTLS command injection (CVE-2011-0411 class): commands a client or a
// man in the middle pipelines after STARTTLS in the same packet were sent in
// cleartext and must not run inside the TLS session. After the handshake the
// first reply the client reads answers its own first command.
import { SmtpLineClient } from './support/smtp-line-client';
import { startSubmission, type SubmissionUnderTest } from './support/submission-e2e';

describe('STARTTLS command injection', () => {
  let sut: SubmissionUnderTest;

  beforeAll(async () => {
    sut = await startSubmission();
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('gives no reply inside TLS to commands pipelined with STARTTLS', async () => {
    const c = await SmtpLineClient.connect(sut.smtpPort);
    await c.reply();
    await c.command('EHLO client.test');
    const injected =
      'MAIL FROM:<evil@attacker.example>\r\nRCPT TO:<victim@victim.example>\r\nNOOP\r\n';
    expect(await c.startTls(injected)).toMatch(/^220 /);
    // Had the injected commands run, their replies (530, 530, 250) would come first.
    expect(await c.command('EHLO client.test')).toMatch(/^250-submit\.postline\.test/);
    expect(await c.command('HELP')).toMatch(/^214 /);
    c.close();
  });

  it('forgets the cleartext EHLO: MAIL inside TLS before a new EHLO is out of sequence', async () => {
    const c = await SmtpLineClient.connect(sut.smtpPort);
    await c.reply();
    await c.command('EHLO client.test');
    expect(await c.startTls()).toMatch(/^220 /);
    expect(await c.command('MAIL FROM:<a@b.example>')).toMatch(/^503 /);
    c.close();
  });
});
