// SIZE is advertised and enforced: a declared size over the limit is refused at
// MAIL, an undeclared oversize body at the end of DATA, both with 552 5.3.4.
import { authenticatedSession } from './support/smtp-line-client';
import { fromDomain, startSubmission, type SubmissionUnderTest } from './support/submission-e2e';

describe('message size limit', () => {
  let sut: SubmissionUnderTest;

  beforeAll(async () => {
    sut = await startSubmission({ POSTLINE_SUBMISSION_MAX_MESSAGE_BYTES: '4096' });
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('refuses MAIL FROM with a declared SIZE over the limit with 552 5.3.4', async () => {
    const c = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
    expect(await c.command(`MAIL FROM:<app@${sut.senderDomain}> SIZE=5000`)).toBe(
      '552 5.3.4 Message size exceeds fixed limit',
    );
    c.close();
  });

  it('refuses an undeclared oversize body at end of DATA with 552 5.3.4 and queues nothing', async () => {
    const c = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
    await c.command(`MAIL FROM:<app@${sut.senderDomain}>`);
    await c.command('RCPT TO:<rcpt@one.test>');
    expect(await c.command('DATA')).toMatch(/^354 /);
    const line = `${'x'.repeat(76)}\r\n`;
    c.write(`Subject: big\r\n\r\n${line.repeat(100)}.\r\n`);
    expect(await c.reply()).toBe('552 5.3.4 Message size exceeds fixed limit');
    // A small message afterwards is accepted and is the only one on the topic.
    await c.command(`MAIL FROM:<app@${sut.senderDomain}>`);
    await c.command('RCPT TO:<rcpt@one.test>');
    await c.command('DATA');
    expect(
      await c.command(`From: <app@${sut.senderDomain}>\r\nSubject: small\r\n\r\nok\r\n.`),
    ).toMatch(/^250 2\.0\.0 /);
    c.close();
    await sut.outbound.waitFor(fromDomain(sut.senderDomain), 1, 15000, 'small message');
    expect(sut.outbound.seen(fromDomain(sut.senderDomain))).toHaveLength(1);
  });
});
