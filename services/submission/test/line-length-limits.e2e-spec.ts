// RFC 5321 4.5.3.1 line limits: a command line over 512 octets is answered
// 500 5.5.2 and not run; a message with a text line over 1000 octets (CRLF
// included) is refused at the end of DATA with 500 5.5.2 and not queued, while
// nodemailer, which folds or encodes long lines itself, gets its message through.
import nodemailer from 'nodemailer';
import { authenticatedSession } from './support/smtp-line-client';
import {
  decodeOutbound,
  fromDomain,
  startSubmission,
  type SubmissionUnderTest,
} from './support/submission-e2e';

describe('line length limits', () => {
  let sut: SubmissionUnderTest;

  beforeAll(async () => {
    sut = await startSubmission();
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('answers an over-long command line with 500 5.5.2 and does not run it', async () => {
    const c = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
    const long = `MAIL FROM:<app@${sut.senderDomain}> X-PAD=${'p'.repeat(600)}`;
    expect(await c.command(long)).toBe('500 5.5.2 Line too long');
    expect(await c.command('RCPT TO:<rcpt@one.test>')).toMatch(/^503 /);
    c.close();
  });

  it('refuses a message with a 1001-octet line at end of DATA, then takes one from nodemailer', async () => {
    const c = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
    await c.command(`MAIL FROM:<raw@${sut.senderDomain}>`);
    await c.command('RCPT TO:<rcpt@one.test>');
    await c.command('DATA');
    expect(await c.command(`Subject: long line\r\n\r\n${'L'.repeat(999)}\r\n.`)).toBe(
      '500 5.5.2 Line too long: message lines are limited to 1000 octets including CRLF (RFC 5321 4.5.3.1.6)',
    );
    c.close();

    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sut.smtpsPort,
      secure: true,
      auth: { user: sut.username, pass: sut.secret },
      tls: { rejectUnauthorized: false },
    });
    const info = await transport.sendMail({
      from: `app@${sut.senderDomain}`,
      to: 'rcpt@one.test',
      subject: 'long line, encoded',
      text: 'L'.repeat(5000),
    });
    transport.close();
    expect(info.response).toMatch(/^250 2\.0\.0 /);
    const [record] = await sut.outbound.waitFor(fromDomain(sut.senderDomain), 1, 15000, 'mail');
    expect(decodeOutbound(record).envelope?.mailFrom).toBe(`app@${sut.senderDomain}`);
    expect(sut.outbound.seen(fromDomain(sut.senderDomain))).toHaveLength(1);
  });
});
