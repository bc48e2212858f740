// kill -9 of the service while four clients submit concurrently: every message
// that was answered 250 before the process died is on mail.outbound.v1 (found by
// the Message-ID the service added from its queue id). Messages whose DATA was
// in flight at the kill were never acknowledged; whether they landed or not,
// their clients retry them, which at-least-once allows.
import { authenticatedSession } from './support/smtp-line-client';
import {
  decodeOutbound,
  fromDomain,
  sendOne,
  startSubmission,
  type SubmissionUnderTest,
} from './support/submission-e2e';
import type { TappedRecord } from '@postline/platform/testing';

const WORKERS = 4;
const PER_WORKER = 25;
const KILL_AFTER = 30;

describe('kill -9 under load', () => {
  let sut: SubmissionUnderTest;

  beforeAll(async () => {
    sut = await startSubmission();
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('keeps every message answered 250 before the kill', async () => {
    const accepted = new Set<string>();
    let killed = false;
    const worker = async (n: number) => {
      const c = await authenticatedSession(sut.smtpsPort, sut.username, sut.secret);
      try {
        for (let i = 0; i < PER_WORKER && !killed; i++) {
          const reply = await sendOne(
            c,
            `load${n}@${sut.senderDomain}`,
            `r${n}.${i}@one.test`,
            `load ${n}/${i}`,
          );
          if (!reply.startsWith('250 ')) break;
          accepted.add(reply.split(' ').pop()!);
          if (accepted.size >= KILL_AFTER && !killed) {
            killed = true;
            sut.service.child.kill('SIGKILL');
          }
        }
      } catch {
        // The connection died with the process: this message was not acknowledged.
      } finally {
        c.close();
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, n) => worker(n)));
    expect(killed).toBe(true);
    expect(await sut.service.exited()).toBeNull();

    const queueIdOf = (r: TappedRecord) =>
      /\r\nMessage-ID: <([0-9a-f]{32})@/.exec(
        Buffer.from(decodeOutbound(r).rawMime).toString('latin1'),
      )?.[1];
    const isAccepted = (r: TappedRecord) =>
      fromDomain(sut.senderDomain)(r) && accepted.has(queueIdOf(r) ?? '');
    const found = await sut.outbound.waitFor(isAccepted, accepted.size, 20000, 'accepted messages');
    expect(new Set(found.map(queueIdOf))).toEqual(accepted);
  });
});
