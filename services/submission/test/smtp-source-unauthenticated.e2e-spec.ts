// Postfix's smtp-source never authenticates, so against the submission port it
// is the unauthenticated bulk client: its MAIL gets 530 5.7.0, smtp-source
// reports the refusal as a fatal error, and nothing of it reaches
// mail.outbound.v1 (proved with an authenticated sentinel on the same partition).
import { randomUUID } from 'node:crypto';
import type { TappedRecord } from '@postline/platform/testing';
import { serverReplies, smtpSource, swaks } from './support/cli-clients';
import {
  decodeOutbound,
  startSubmission,
  type SubmissionUnderTest,
} from './support/submission-e2e';

describe('submission with smtp-source (no AUTH)', () => {
  let sut: SubmissionUnderTest;
  // One recipient domain for both, so both would land on one partition, in order.
  const recipientDomain = `source-${randomUUID().slice(0, 8)}.test`;

  beforeAll(async () => {
    sut = await startSubmission();
  });
  afterAll(async () => {
    await sut?.stop();
  });

  function fromSender(sender: string) {
    return (r: TappedRecord) => decodeOutbound(r).envelope?.mailFrom === sender;
  }

  it('is refused at MAIL with 530 5.7.0, which smtp-source reports as fatal, and queues nothing', async () => {
    const sender = `smtp-source@${sut.senderDomain}`;
    const run = await smtpSource([
      '-m',
      '5',
      '-s',
      '2',
      '-l',
      '1024',
      '-f',
      sender,
      '-t',
      `victim@${recipientDomain}`,
      `127.0.0.1:${sut.smtpPort}`,
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/fatal: sender rejected: 530 5\.7\.0 Authentication required/);

    const sentinel = `sentinel@${sut.senderDomain}`;
    const sent = await swaks([
      '--server',
      `127.0.0.1:${sut.smtpPort}`,
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      sut.username,
      '--auth-password',
      sut.secret,
      '--from',
      sentinel,
      '--to',
      `someone@${recipientDomain}`,
    ]);
    expect(serverReplies(sent.stdout).find((r) => r.startsWith('250 2.0.0 Queued'))).toBeDefined();
    await sut.outbound.waitFor(fromSender(sentinel), 1, 15000, 'sentinel');
    expect(sut.outbound.seen(fromSender(sender))).toEqual([]);
  });
});
