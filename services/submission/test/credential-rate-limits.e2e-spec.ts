// Per-credential sending rates: a credential created with 2 messages and 3
// recipients per minute has the recipient that would pass 3 per minute refused
// at RCPT with 450 4.7.1 (the message still goes to the recipients accepted
// before it), then its 3rd message refused at MAIL with 450 4.7.1. Another
// credential is not affected.
import { authenticatedSession, type SmtpLineClient } from './support/smtp-line-client';
import {
  fromDomain,
  sendOne,
  startSubmission,
  type SubmissionUnderTest,
} from './support/submission-e2e';
import { httpJson } from '@postline/platform/testing';

describe('credential rate limits', () => {
  let sut: SubmissionUnderTest;

  beforeAll(async () => {
    sut = await startSubmission({}, { messagesPerMinute: 2, recipientsPerMinute: 3 });
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('refuses the recipient over the per-minute rate at RCPT with 450 4.7.1', async () => {
    const c = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
    expect(await sendOne(c, `app@${sut.senderDomain}`, 'a@one.test', 'first')).toMatch(/^250 /);
    await c.command(`MAIL FROM:<app@${sut.senderDomain}>`);
    for (const r of ['b', 'c']) expect(await c.command(`RCPT TO:<${r}@one.test>`)).toMatch(/^250 /);
    expect(await c.command('RCPT TO:<d@one.test>')).toBe(
      '450 4.7.1 Sending rate limit of this credential reached, try again later (3 recipients per minute)',
    );
    await c.command('DATA');
    const to = `From: <app@${sut.senderDomain}>\r\nSubject: second\r\n\r\nok\r\n.`;
    expect(await c.command(to)).toMatch(/^250 /);
    c.close();
    const records = await sut.outbound.waitFor(fromDomain(sut.senderDomain), 2, 15000, 'mail');
    expect(records).toHaveLength(2);
  });

  it('refuses the message over the per-minute rate at MAIL with 450 4.7.1', async () => {
    const c: SmtpLineClient = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
    expect(await c.command(`MAIL FROM:<app@${sut.senderDomain}>`)).toBe(
      '450 4.7.1 Sending rate limit of this credential reached, try again later (2 messages per minute)',
    );
    c.close();
  });

  it('counts per credential: another one still sends', async () => {
    const other = {
      username: `${sut.username}-2`,
      secret: `${sut.secret}-2`,
      allowedSenderDomains: [sut.senderDomain],
    };
    const res = await httpJson('POST', `${sut.service.httpUrl}/v1/credentials`, other);
    expect(res.body).toMatchObject({ messagesPerMinute: 1000, recipientsPerMinute: 10000 });
    const c = await authenticatedSession(sut.smtpsPort, other.username, other.secret);
    expect(await sendOne(c, `app@${sut.senderDomain}`, 'g@one.test', 'other')).toMatch(/^250 /);
    c.close();
  });
});
