// Recipients per message are limited by the credential (here 3): the next RCPT
// gets 452 4.5.3 and the message goes on with the recipients accepted so far.
import { authenticatedSession } from './support/smtp-line-client';
import {
  decodeOutbound,
  fromDomain,
  startSubmission,
  type SubmissionUnderTest,
} from './support/submission-e2e';

describe('recipient limit', () => {
  let sut: SubmissionUnderTest;

  beforeAll(async () => {
    sut = await startSubmission({}, { maxRecipients: 3 });
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('answers 452 4.5.3 to the RCPT beyond the limit and queues only the accepted ones', async () => {
    const c = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
    await c.command(`MAIL FROM:<app@${sut.senderDomain}>`);
    for (const r of ['r1', 'r2', 'r3'])
      expect(await c.command(`RCPT TO:<${r}@one.test>`)).toMatch(/^250 /);
    expect(await c.command('RCPT TO:<r4@one.test>')).toBe(
      '452 4.5.3 Too many recipients (limit 3)',
    );
    await c.command('DATA');
    expect(
      await c.command(`From: <app@${sut.senderDomain}>\r\nSubject: many\r\n\r\nok\r\n.`),
    ).toMatch(/^250 2\.0\.0 /);
    c.close();
    const [rec] = await sut.outbound.waitFor(fromDomain(sut.senderDomain), 1, 15000, 'message');
    expect(decodeOutbound(rec).envelope?.rcptTo).toEqual([
      'r1@one.test',
      'r2@one.test',
      'r3@one.test',
    ]);
  });
});
