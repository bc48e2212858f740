// A password-guessing client: 200 wrong AUTH attempts against the real
// credential's username from one address are answered 535 four times, the
// fifth ends the session with 421 4.7.0, and every later connection from that
// address is refused at the greeting. The lockout shows in /metrics, and the
// application itself, from another address, still logs in and sends (nodemailer).
import nodemailer from 'nodemailer';
import { authPlain, SmtpLineClient } from './support/smtp-line-client';
import {
  fromDomain,
  metricValue,
  startSubmission,
  type SubmissionUnderTest,
} from './support/submission-e2e';

const LOCKED = '421 4.7.0 Too many authentication failures, try again later';

describe('AUTH brute force', () => {
  let sut: SubmissionUnderTest;

  beforeAll(async () => {
    sut = await startSubmission({
      POSTLINE_SUBMISSION_AUTH_MAX_FAILURES_PER_IP: '5',
      POSTLINE_SUBMISSION_AUTH_MAX_FAILURES_PER_USERNAME: '20',
      POSTLINE_SUBMISSION_AUTH_FAILURE_DELAY_MS: '20',
      POSTLINE_SUBMISSION_AUTH_FAILURE_MAX_DELAY_MS: '100',
    });
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('cuts 200 wrong tries off after 5, reports the lockout, and lets the real client in from elsewhere', async () => {
    const tally = { invalid: 0, lockedInSession: 0, refusedAtConnect: 0 };
    let session: SmtpLineClient | undefined;
    for (let attempt = 0; attempt < 200; attempt++) {
      if (!session || session.isClosed) {
        session = await SmtpLineClient.connect(sut.smtpPort);
        const greeting = await session.reply();
        if (greeting === LOCKED) {
          tally.refusedAtConnect++;
          await session.closedByServer();
          continue;
        }
        expect(greeting).toMatch(/^220 /);
        await session.command('EHLO guesser.test');
        expect(await session.startTls()).toMatch(/^220 /);
        await session.command('EHLO guesser.test');
      }
      const reply = await session.command(
        `AUTH PLAIN ${authPlain(sut.username, `guess-${attempt}`)}`,
      );
      if (reply === LOCKED) {
        tally.lockedInSession++;
        await session.closedByServer();
      } else {
        expect(reply).toBe('535 5.7.8 Authentication credentials invalid');
        tally.invalid++;
      }
    }
    expect(tally).toEqual({ invalid: 4, lockedInSession: 1, refusedAtConnect: 195 });

    expect(await metricValue(sut.service.httpUrl, 'auth_lockouts_total{scope="client"}')).toBe(1);
    expect(await metricValue(sut.service.httpUrl, 'auth_lockouts_active{scope="client"}')).toBe(1);
    expect(await metricValue(sut.service.httpUrl, 'auth_attempts_total{result="failure"}')).toBe(5);
    expect(
      await metricValue(sut.service.httpUrl, 'sessions_refused_total{reason="AUTH_LOCKED"}'),
    ).toBe(195);

    // The same username from another address: 5 failures did not lock the username (20 would).
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sut.smtpPort,
      localAddress: '127.0.0.2',
      secure: false,
      requireTLS: true,
      auth: { user: sut.username, pass: sut.secret },
      tls: { rejectUnauthorized: false },
    });
    const info = await transport.sendMail({
      from: `app@${sut.senderDomain}`,
      to: 'someone@one.test',
      subject: 'after the attack',
      text: 'still here',
    });
    transport.close();
    expect(info.response).toMatch(/^250 2\.0\.0 Queued as /);
    await sut.outbound.waitFor(fromDomain(sut.senderDomain), 1, 15000, 'message after the attack');
    expect(await metricValue(sut.service.httpUrl, 'auth_attempts_total{result="success"}')).toBe(1);
  });
});
