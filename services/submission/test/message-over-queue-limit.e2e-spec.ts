// A message the queue cannot hold: Kafka refuses records over its message size
// limit (about 1 MB by default) for good, so a message whose record would pass
// it is refused at the end of DATA with 552 5.3.4 — a permanent answer, never a
// 451 that would have the client retry it forever. A message just under the
// bound for two domains (two records that together exceed the limit) is
// accepted, because parts are produced in separate batches.
import { authenticatedSession } from './support/smtp-line-client';
import { fromDomain, startSubmission, type SubmissionUnderTest } from './support/submission-e2e';

const line = `${'q'.repeat(998)}\r\n`;

describe('message over the queue limit', () => {
  let sut: SubmissionUnderTest;

  beforeAll(async () => {
    sut = await startSubmission();
  });
  afterAll(async () => {
    await sut?.stop();
  });

  const submit = async (lines: number, recipients: string[]) => {
    const c = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
    await c.command(`MAIL FROM:<app@${sut.senderDomain}>`);
    for (const r of recipients) await c.command(`RCPT TO:<${r}>`);
    await c.command('DATA');
    c.write(`From: <app@${sut.senderDomain}>\r\nSubject: big\r\n\r\n${line.repeat(lines)}.\r\n`);
    const reply = await c.reply(30000);
    c.close();
    return reply;
  };

  it('refuses a 1.5 MB message with 552 5.3.4, not 451', async () => {
    expect(await submit(1500, ['rcpt@one.test'])).toMatch(/^552 5\.3\.4 /);
  });

  it('accepts a 0.9 MB message for two domains', async () => {
    expect(await submit(900, ['a@one.test', 'b@two.test'])).toMatch(/^250 2\.0\.0 /);
    await sut.outbound.waitFor(fromDomain(sut.senderDomain), 2, 20000, 'two parts');
  });
});
