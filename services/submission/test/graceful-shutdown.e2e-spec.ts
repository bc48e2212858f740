// SIGTERM while a client is in the middle of DATA: the service reports not
// ready at once, closes an idle session and refuses a new connection with
// 421 4.3.2, lets the DATA in hand finish with 250 (the message is on
// mail.outbound.v1), then closes that session too and exits 0.
import { eventually } from '@postline/platform/testing';
import { authenticatedSession, SmtpLineClient } from './support/smtp-line-client';
import {
  decodeOutbound,
  fromDomain,
  startSubmission,
  type SubmissionUnderTest,
} from './support/submission-e2e';

const SHUTTING_DOWN = '421 4.3.2 Service shutting down, try again later';

describe('graceful shutdown', () => {
  let sut: SubmissionUnderTest;

  beforeAll(async () => {
    sut = await startSubmission({ POSTLINE_SHUTDOWN_GRACE_MS: '20000' });
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('finishes the DATA in hand with 250, refuses newcomers with 421 4.3.2, and exits 0', async () => {
    const busy = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
    await busy.command(`MAIL FROM:<app@${sut.senderDomain}>`);
    await busy.command('RCPT TO:<rcpt@one.test>');
    expect(await busy.command('DATA')).toMatch(/^354 /);
    busy.write(
      `From: <app@${sut.senderDomain}>\r\nSubject: in flight at SIGTERM\r\n\r\nfirst half\r\n`,
    );
    const idle = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);

    sut.service.child.kill('SIGTERM');
    await eventually(
      async () =>
        (await fetch(`${sut.service.httpUrl}/readyz`)).status === 503 ? true : undefined,
      5000,
      '/readyz to answer 503',
      50,
    );
    expect(await idle.reply()).toBe(SHUTTING_DOWN);
    const newcomer = await SmtpLineClient.connect(sut.smtpPort);
    expect(await newcomer.reply()).toBe(SHUTTING_DOWN);
    await newcomer.closedByServer();

    busy.write('second half\r\n.\r\n');
    const accepted = await busy.reply();
    expect(accepted).toMatch(/^250 2\.0\.0 Queued as [0-9a-f]{32}$/);
    expect(await busy.reply()).toBe(SHUTTING_DOWN);

    const [record] = await sut.outbound.waitFor(fromDomain(sut.senderDomain), 1, 15000, 'mail');
    const mime = Buffer.from(decodeOutbound(record).rawMime).toString('latin1');
    expect(mime).toContain(`Message-ID: <${accepted.split(' ').pop()}@submit.postline.test>`);
    expect(mime).toContain('first half\r\nsecond half\r\n');

    expect(await sut.service.exited()).toBe(0);
    expect(sut.service.output()).toContain('"event":"smtp_drain_complete"');
    expect(sut.service.output()).toContain('"event":"shutdown_complete"');
  });
});
