// Clients that hold a session without finishing it: one that trickles DATA
// (slowloris) is cut with 421 4.4.2 and nothing of it is queued; one that keeps
// the session alive with NOOPs is ended at the total session time; one that says
// nothing is ended by the idle timeout. Each close is counted by reason.
import { authenticatedSession, type SmtpLineClient } from './support/smtp-line-client';
import {
  fromDomain,
  metricValue,
  sendOne,
  startSubmission,
  type SubmissionUnderTest,
} from './support/submission-e2e';

describe('session timeouts', () => {
  let sut: SubmissionUnderTest;

  beforeAll(async () => {
    sut = await startSubmission({
      POSTLINE_SUBMISSION_MIN_DATA_RATE_BPS: '1000',
      POSTLINE_SUBMISSION_DATA_RATE_WINDOW_MS: '500',
      POSTLINE_SUBMISSION_MAX_SESSION_MS: '3000',
      POSTLINE_SUBMISSION_IDLE_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    await sut?.stop();
  });

  const session = (): Promise<SmtpLineClient> =>
    authenticatedSession(sut.smtpsPort, sut.username, sut.secret);

  it('cuts a client that trickles DATA with 421 4.4.2 and queues nothing of it', async () => {
    const slow = await session();
    await slow.command(`MAIL FROM:<slow@${sut.senderDomain}>`);
    await slow.command('RCPT TO:<rcpt@one.test>');
    expect(await slow.command('DATA')).toMatch(/^354 /);
    slow.write('Subject: slowloris\r\n\r\n');
    const trickle = setInterval(() => slow.write('z'), 50);
    try {
      expect(await slow.reply()).toBe(
        '421 4.4.2 Message data arriving too slowly, closing connection; nothing was queued',
      );
      await slow.closedByServer();
    } finally {
      clearInterval(trickle);
    }
    // A sentinel from the same sender: once it is on the topic, the slow one would be too.
    const c = await session();
    expect(await sendOne(c, `sentinel@${sut.senderDomain}`, 'rcpt@one.test', 'sentinel')).toMatch(
      /^250 /,
    );
    c.close();
    await sut.outbound.waitFor(fromDomain(sut.senderDomain), 1, 15000, 'sentinel');
    expect(sut.outbound.seen(fromDomain(sut.senderDomain))).toHaveLength(1);
    expect(
      await metricValue(sut.service.httpUrl, 'sessions_terminated_total{reason="DATA_TOO_SLOW"}'),
    ).toBe(1);
  });

  it('ends a session kept alive with NOOPs at the total session time with 421 4.4.2', async () => {
    const chatty = await session();
    // A NOOP every 300 ms: never idle for the 1 s idle timeout.
    const keepAlive = setInterval(() => chatty.write('NOOP\r\n'), 300);
    let reply = '';
    try {
      while (!reply.startsWith('421')) reply = await chatty.reply();
    } finally {
      clearInterval(keepAlive);
    }
    expect(reply).toBe('421 4.4.2 Session time limit reached, closing connection');
    await chatty.closedByServer();
  });

  it('ends a silent session at the idle timeout with 421 4.4.2', async () => {
    const silent = await session();
    expect(await silent.reply()).toBe('421 4.4.2 Idle timeout, closing connection');
    await silent.closedByServer();
    expect(
      await metricValue(sut.service.httpUrl, 'sessions_terminated_total{reason="IDLE_TIMEOUT"}'),
    ).toBe(1);
  });
});
