// swaks, the SMTP test tool operators reach for, against the running service:
// over STARTTLS with AUTH PLAIN and with AUTH LOGIN each message is queued on
// mail.outbound.v1 before the 250; without TLS no AUTH is offered, and swaks
// gives up before sending its secret (a client that tries anyway gets 538 5.7.11).
import { randomUUID } from 'node:crypto';
import { serverReplies, swaks } from './support/cli-clients';
import {
  decodeOutbound,
  startSubmission,
  type SubmissionUnderTest,
} from './support/submission-e2e';
import type { TappedRecord } from '@postline/platform/testing';

describe('submission with swaks', () => {
  let sut: SubmissionUnderTest;

  beforeAll(async () => {
    sut = await startSubmission();
  });
  afterAll(async () => {
    await sut?.stop();
  });

  function fromSender(sender: string) {
    return (r: TappedRecord) => decodeOutbound(r).envelope?.mailFrom === sender;
  }

  it.each(['PLAIN', 'LOGIN'])(
    'delivers over STARTTLS with AUTH %s: 250 with a queue id, and the message on mail.outbound.v1',
    async (mechanism) => {
      const sender = `swaks-${mechanism.toLowerCase()}@${sut.senderDomain}`;
      const subject = `swaks ${mechanism} ${randomUUID()}`;
      const run = await swaks([
        '--server',
        `127.0.0.1:${sut.smtpPort}`,
        '--tls',
        '--auth',
        mechanism,
        '--auth-user',
        sut.username,
        '--auth-password',
        sut.secret,
        '--ehlo',
        'swaks.test',
        '--from',
        sender,
        '--to',
        'someone@one.test',
        '--h-Subject',
        subject,
        '--body',
        'hello from swaks',
      ]);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      const replies = serverReplies(run.stdout);
      expect(replies).toContain('220 2.0.0 Ready to start TLS');
      expect(replies).toContain('235 2.7.0 Authentication successful');
      const queued = replies.find((r) => r.startsWith('250 2.0.0 Queued as '));
      expect(queued).toMatch(/^250 2\.0\.0 Queued as [0-9a-f]{32}$/);

      const [record] = await sut.outbound.waitFor(fromSender(sender), 1, 15000, 'swaks message');
      const message = decodeOutbound(record);
      expect(message.envelope?.rcptTo).toEqual(['someone@one.test']);
      expect(Buffer.from(message.rawMime).toString('utf8')).toContain(`Subject: ${subject}\r\n`);
    },
  );

  it('is offered no AUTH without TLS, so swaks gives up before sending a secret or MAIL', async () => {
    const sender = `swaks-cleartext@${sut.senderDomain}`;
    const run = await swaks([
      '--server',
      `127.0.0.1:${sut.smtpPort}`,
      '--auth',
      'PLAIN',
      '--auth-user',
      sut.username,
      '--auth-password',
      sut.secret,
      '--from',
      sender,
      '--to',
      'someone@one.test',
    ]);
    expect(run.code).not.toBe(0);
    const replies = serverReplies(run.stdout);
    expect(replies).toContain('250-STARTTLS');
    expect(replies.some((r) => /^250[- ]AUTH/.test(r))).toBe(false);
    expect(run.stdout).not.toMatch(/AUTH PLAIN|MAIL FROM/);
    expect(`${run.stdout}${run.stderr}`).toMatch(/did not advertise authentication/i);
  });
});
