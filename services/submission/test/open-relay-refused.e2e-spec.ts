// The submission port is no open relay: without AUTH, MAIL, RCPT and DATA for
// outside domains are refused with 530 5.7.0 on the cleartext channel, after
// STARTTLS and on implicit TLS alike, and nothing reaches mail.outbound.v1.
import { randomUUID } from 'node:crypto';
import { authenticatedSession, SmtpLineClient } from './support/smtp-line-client';
import {
  fromDomain,
  sendOne,
  startSubmission,
  type SubmissionUnderTest,
} from './support/submission-e2e';

const AUTH_REQUIRED = '530 5.7.0 Authentication required';

describe('open relay', () => {
  let sut: SubmissionUnderTest;
  const outside = `outside-${randomUUID().slice(0, 8)}.example`;

  beforeAll(async () => {
    sut = await startSubmission();
  });
  afterAll(async () => {
    await sut?.stop();
  });

  async function tryRelay(c: SmtpLineClient): Promise<string[]> {
    await c.command('EHLO relay-probe.test');
    const replies = [
      await c.command(`MAIL FROM:<spammer@${outside}>`),
      await c.command('RCPT TO:<victim@victim.example>'),
      await c.command('DATA'),
    ];
    c.close();
    return replies;
  }

  it.each([
    ['on the cleartext channel', async () => SmtpLineClient.connect(sut.smtpPort), false],
    ['after STARTTLS', async () => SmtpLineClient.connect(sut.smtpPort), true],
    [
      'on implicit TLS',
      async () => SmtpLineClient.connect(sut.smtpsPort, { implicitTls: true }),
      false,
    ],
  ])('refuses unauthenticated MAIL, RCPT and DATA %s with 530 5.7.0', async (_n, open, tls) => {
    const c = await open();
    expect(await c.reply()).toMatch(/^220 /);
    if (tls) {
      await c.command('EHLO relay-probe.test');
      expect(await c.startTls()).toMatch(/^220 /);
    }
    expect(await tryRelay(c)).toEqual([AUTH_REQUIRED, AUTH_REQUIRED, AUTH_REQUIRED]);
  });

  it('queued nothing from those sessions', async () => {
    const c = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
    expect(await sendOne(c, `sentinel@${sut.senderDomain}`, 'r@one.test', 'sentinel')).toMatch(
      /^250 /,
    );
    c.close();
    await sut.outbound.waitFor(fromDomain(sut.senderDomain), 1, 15000, 'sentinel');
    expect(sut.outbound.seen(fromDomain(outside))).toEqual([]);
  });
});
