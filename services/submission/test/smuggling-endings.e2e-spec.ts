// SMTP smuggling: each known fake end-of-data sequence, followed by a smuggled
// MAIL/RCPT/DATA, is refused with 550 5.5.2 at the real end of DATA, and neither
// the message nor the smuggled one reaches mail.outbound.v1.
import { authenticatedSession } from './support/smtp-line-client';
import { fromDomain, startSubmission, type SubmissionUnderTest } from './support/submission-e2e';

const endings: Array<[string, string]> = [
  ['\\n.\\r\\n', '\n.\r\n'],
  ['\\n.\\n', '\n.\n'],
  ['\\r.\\r', '\r.\r'],
  ['\\r\\n.\\n', '\r\n.\n'],
  ['\\r\\n\\x00.\\r\\n', '\r\n\x00.\r\n'],
  ['\\r.\\r\\n', '\r.\r\n'],
  ['\\r\\n.\\r', '\r\n.\r'],
  ['\\n.\\r', '\n.\r'],
  ['\\r.\\n', '\r.\n'],
  ['\\r\\n.\\x00\\r\\n', '\r\n.\x00\r\n'],
];

describe('SMTP smuggling endings', () => {
  let sut: SubmissionUnderTest;

  beforeAll(async () => {
    sut = await startSubmission();
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it.each(endings)(
    'refuses DATA containing %s plus smuggled commands with 550 5.5.2',
    async (_n, ending) => {
      const c = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
      expect(await c.command(`MAIL FROM:<app@${sut.senderDomain}>`)).toMatch(/^250 /);
      expect(await c.command('RCPT TO:<rcpt@one.test>')).toMatch(/^250 /);
      expect(await c.command('DATA')).toMatch(/^354 /);
      c.write(
        `Subject: smuggle\r\n\r\nhello${ending}` +
          `MAIL FROM:<app@${sut.senderDomain}>\r\nRCPT TO:<victim@victim.test>\r\nDATA\r\n` +
          'Subject: smuggled\r\n\r\nsmuggled\r\n.\r\n',
      );
      expect(await c.reply()).toBe(
        '550 5.5.2 Bare CR, bare LF or NUL in message data refused (possible SMTP smuggling)',
      );
      // The session is back in command mode: nothing smuggled was executed.
      expect(await c.command('RSET')).toMatch(/^250 /);
      c.close();
    },
  );

  it('put no message from these sessions on mail.outbound.v1', async () => {
    // A clean sentinel message after all attempts: once it is on the topic, anything
    // the refused sessions had produced would have arrived before it.
    const c = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
    await c.command(`MAIL FROM:<sentinel@${sut.senderDomain}>`);
    await c.command('RCPT TO:<rcpt@one.test>');
    await c.command('DATA');
    expect(
      await c.command(`From: <sentinel@${sut.senderDomain}>\r\nSubject: sentinel\r\n\r\nok\r\n.`),
    ).toMatch(/^250 2\.0\.0 Queued as /);
    c.close();
    await sut.outbound.waitFor(fromDomain(sut.senderDomain), 1, 15000, 'sentinel');
    expect(sut.outbound.seen(fromDomain(sut.senderDomain))).toHaveLength(1);
  });
});
