// The EHLO extensions the submission server advertises are honoured:
// SMTPUTF8 (RFC 6531) — UTF-8 addresses only in a transaction that declared it,
// 553 5.6.7 otherwise; 8BITMIME (RFC 6152) — an 8-bit body is kept byte for byte;
// both needs travel to the mta in the record's envelope; PIPELINING (RFC 2920) —
// commands sent in one packet get their replies in order.
import { authenticatedSession, SmtpLineClient } from './support/smtp-line-client';
import {
  decodeOutbound,
  fromDomain,
  startSubmission,
  type SubmissionUnderTest,
} from './support/submission-e2e';

const utf8Line = (c: SmtpLineClient, line: string) => {
  c.write(Buffer.from(`${line}\r\n`, 'utf8'));
  return c.reply();
};

describe('SMTPUTF8, 8BITMIME and PIPELINING', () => {
  let sut: SubmissionUnderTest;

  beforeAll(async () => {
    sut = await startSubmission();
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('advertises PIPELINING, 8BITMIME, SMTPUTF8 and ENHANCEDSTATUSCODES', async () => {
    const c = await SmtpLineClient.connect(sut.smtpsPort, { implicitTls: true });
    await c.reply();
    const ehlo = await c.command('EHLO client.test');
    for (const keyword of ['PIPELINING', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES'])
      expect(ehlo).toMatch(new RegExp(`^250[ -]${keyword}$`, 'm'));
    c.close();
  });

  it('refuses UTF-8 addresses with 553 5.6.7 when MAIL FROM did not declare SMTPUTF8', async () => {
    const c = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
    expect(await utf8Line(c, `MAIL FROM:<josé@${sut.senderDomain}>`)).toMatch(/^553 5\.6\.7 /);
    expect(await c.command(`MAIL FROM:<app@${sut.senderDomain}>`)).toMatch(/^250 /);
    expect(await utf8Line(c, 'RCPT TO:<zoë@utf8.example>')).toMatch(/^553 5\.6\.7 /);
    c.close();
  });

  it('accepts a UTF-8 envelope and an 8-bit body when declared, and tells the mta both needs', async () => {
    const c = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
    const from = `josé@${sut.senderDomain}`;
    expect(await utf8Line(c, `MAIL FROM:<${from}> SMTPUTF8 BODY=8BITMIME`)).toMatch(/^250 /);
    expect(await utf8Line(c, 'RCPT TO:<zoë@utf8.example>')).toMatch(/^250 /);
    expect(await c.command('DATA')).toMatch(/^354 /);
    const message = Buffer.from(
      `From: José <${from}>\r\nTo: zoë@utf8.example\r\nSubject: Grüße aus Köln\r\n` +
        `Message-ID: <utf8-${Date.now()}@${sut.senderDomain}>\r\nDate: Sat, 28 Nov 2026 12:00:00 +0000\r\n` +
        'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n' +
        'Content-Transfer-Encoding: 8bit\r\n\r\nSchöne Grüße — 你好\r\n',
      'utf8',
    );
    c.write(Buffer.concat([message, Buffer.from('.\r\n')]));
    expect(await c.reply()).toMatch(/^250 2\.0\.0 /);
    c.close();

    const [record] = await sut.outbound.waitFor(fromDomain(sut.senderDomain), 1, 15000, 'record');
    const outbound = decodeOutbound(record);
    expect(outbound.envelope).toMatchObject({
      mailFrom: from,
      rcptTo: ['zoë@utf8.example'],
      smtputf8: true,
      eightBitMime: true,
    });
    // With Message-ID and Date present, only Received is added (in front); the client's bytes follow unchanged.
    expect(Buffer.from(outbound.rawMime).includes(message)).toBe(true);
  });

  it('answers pipelined MAIL, RCPT, RCPT and DATA in order', async () => {
    const c = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
    c.write(
      `MAIL FROM:<app@${sut.senderDomain}>\r\nRCPT TO:<one@pipelined.example>\r\n` +
        'RCPT TO:<two@pipelined.example>\r\nDATA\r\n',
    );
    const replies = [await c.reply(), await c.reply(), await c.reply(), await c.reply()];
    expect(replies.map((r) => r.slice(0, 3))).toEqual(['250', '250', '250', '354']);
    c.close();
  });
});
