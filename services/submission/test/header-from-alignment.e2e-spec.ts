// The author recipients see must be the credential's too: a message whose From
// header is in another domain than the credential's sender domains is refused
// at end of DATA with 550 5.7.1 naming that domain, even when the envelope
// sender is allowed; a message with no From, or two, gets 550 5.6.0. Only the
// aligned message reaches mail.outbound.v1, sent by nodemailer.
import nodemailer from 'nodemailer';
import { authenticatedSession } from './support/smtp-line-client';
import {
  decodeOutbound,
  fromDomain,
  startSubmission,
  type SubmissionUnderTest,
} from './support/submission-e2e';

describe('header From alignment', () => {
  let sut: SubmissionUnderTest;

  beforeAll(async () => {
    sut = await startSubmission();
  });
  afterAll(async () => {
    await sut?.stop();
  });

  const submit = async (headers: string) => {
    const c = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
    await c.command(`MAIL FROM:<app@${sut.senderDomain}>`);
    await c.command('RCPT TO:<rcpt@one.test>');
    await c.command('DATA');
    const reply = await c.command(`${headers}Subject: alignment\r\n\r\nbody\r\n.`);
    c.close();
    return reply;
  };

  it('refuses a From in a foreign domain with 550 5.7.1, naming the domain', async () => {
    expect(await submit('From: "The Bank" <security@bank.example>\r\n')).toBe(
      '550 5.7.1 From header address not allowed for this credential (From domain bank.example is not a sender domain of this credential)',
    );
  });

  it('refuses a message without a From field, or with two, with 550 5.6.0', async () => {
    const invalid =
      '550 5.6.0 A message needs exactly one From header field with an address (RFC 5322 3.6)';
    expect(await submit('')).toBe(`${invalid} (the message has no From header field)`);
    expect(await submit(`From: app@${sut.senderDomain}\r\nFrom: ceo@bank.example\r\n`)).toBe(
      `${invalid} (the message has more than one From header field)`,
    );
  });

  it('queues the aligned message only', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sut.smtpsPort,
      secure: true,
      auth: { user: sut.username, pass: sut.secret },
      tls: { rejectUnauthorized: false },
    });
    const info = await transport.sendMail({
      from: { name: 'App', address: `news@${sut.senderDomain}` },
      to: 'rcpt@one.test',
      subject: 'aligned',
      text: 'hello',
    });
    transport.close();
    expect(info.response).toMatch(/^250 2\.0\.0 /);
    const [record] = await sut.outbound.waitFor(fromDomain(sut.senderDomain), 1, 15000, 'mail');
    expect(Buffer.from(decodeOutbound(record).rawMime).toString()).toContain('Subject: aligned');
    expect(sut.outbound.seen(fromDomain(sut.senderDomain))).toHaveLength(1);
  });
});
