// Pins what follows one attempt, recipient by recipient: which results are
// final, when deferred ones are tried again, what the retry record carries,
// and how bounce-after turns a deferral into an expired bounce.
import { events } from '@postline/contracts';
import type { DeliveryResult, SmtpReply } from '@postline/mta/dispatch';
import { decideAttempt, expiryReply, type AttemptFacts } from './attempt-outcome';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = new Date('2025-03-01T10:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

const POLICY = { retrySchedule: [MIN, 10 * MIN, HOUR], bounceAfterMs: 4 * HOUR };

const DELIVERED: SmtpReply = { code: 250, enhancedCode: '2.0.0', text: 'OK queued' };
const UNKNOWN: SmtpReply = { code: 550, enhancedCode: '5.1.1', text: 'no such user' };
const GREYLISTED: SmtpReply = { code: 451, enhancedCode: '4.7.1', text: 'greylisted, try later' };

const message = events.OutboundMessage.fromPartial({
  messageId: 'msg-1',
  tenantId: 't1',
  routingKey: 'example.com',
  campaignId: 'c1',
  envelope: {
    mailFrom: 'news@postline.test',
    rcptTo: ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'],
    smtputf8: true,
    eightBitMime: true,
  },
  rawMime: Buffer.from('Subject: hi\r\n\r\nhello\r\n'),
  attempt: 2,
  firstAttemptAt: T0,
});

function result(recipient: string, outcome: DeliveryResult['outcome'], reply: SmtpReply) {
  return { recipient, outcome, reply, mxHost: 'mx.example.com' } satisfies DeliveryResult;
}

function facts(results: DeliveryResult[], overrides: Partial<AttemptFacts> = {}): AttemptFacts {
  return {
    message,
    attempt: 2,
    firstAttemptAt: T0,
    results,
    policy: POLICY,
    now: at(2 * MIN),
    ...overrides,
  };
}

describe('decideAttempt', () => {
  it('makes delivered and bounced recipients final without a retry', () => {
    const results = [
      result('a@example.com', 'delivered', DELIVERED),
      result('b@example.com', 'bounced', UNKNOWN),
    ];
    const outcome = decideAttempt(facts(results));
    expect(outcome.retry).toBeUndefined();
    expect(outcome.decided).toEqual(results);
    expect(outcome.decided.every((r) => r.nextAttemptAt === undefined && !r.expired)).toBe(true);
  });

  it('schedules deferred recipients at the policy step for this attempt', () => {
    // Attempt 2 failed: the schedule's second step (10 minutes) applies.
    const outcome = decideAttempt(facts([result('a@example.com', 'deferred', GREYLISTED)]));
    expect(outcome.decided).toEqual([
      { ...result('a@example.com', 'deferred', GREYLISTED), nextAttemptAt: at(12 * MIN) },
    ]);
  });

  it('retries the same message for the deferred recipients only, as the next attempt', () => {
    const outcome = decideAttempt(
      facts([
        result('a@example.com', 'delivered', DELIVERED),
        result('b@example.com', 'deferred', GREYLISTED),
        result('c@example.com', 'bounced', UNKNOWN),
        result('d@example.com', 'deferred', GREYLISTED),
      ]),
    );
    expect(outcome.retry).toEqual({
      ...message,
      // The SMTPUTF8 and 8BITMIME needs travel with the retry.
      envelope: {
        mailFrom: 'news@postline.test',
        rcptTo: ['b@example.com', 'd@example.com'],
        smtputf8: true,
        eightBitMime: true,
      },
      attempt: 3,
      firstAttemptAt: T0,
      notBefore: at(12 * MIN),
    });
  });

  it('keeps the first attempt time given for a first attempt', () => {
    const first = events.OutboundMessage.fromPartial({ ...message, attempt: 1 });
    delete first.firstAttemptAt;
    const outcome = decideAttempt(
      facts([result('a@example.com', 'deferred', GREYLISTED)], {
        message: first,
        attempt: 1,
        firstAttemptAt: at(5 * MIN),
        now: at(5 * MIN),
      }),
    );
    expect(outcome.retry).toMatchObject({
      attempt: 2,
      firstAttemptAt: at(5 * MIN),
      notBefore: at(6 * MIN),
    });
  });

  it('decides each recipient of a mixed attempt on its own', () => {
    const outcome = decideAttempt(
      facts([
        result('a@example.com', 'delivered', DELIVERED),
        result('b@example.com', 'deferred', GREYLISTED),
        result('c@example.com', 'bounced', UNKNOWN),
      ]),
    );
    const byRecipient = new Map(outcome.decided.map((r) => [r.recipient, r]));
    expect(outcome.decided).toHaveLength(3);
    expect(byRecipient.get('a@example.com')).toMatchObject({ outcome: 'delivered' });
    expect(byRecipient.get('a@example.com')?.nextAttemptAt).toBeUndefined();
    expect(byRecipient.get('b@example.com')).toMatchObject({
      outcome: 'deferred',
      reply: GREYLISTED,
      nextAttemptAt: at(12 * MIN),
    });
    expect(byRecipient.get('c@example.com')).toMatchObject({ outcome: 'bounced', reply: UNKNOWN });
    expect(outcome.retry?.envelope?.rcptTo).toEqual(['b@example.com']);
  });

  it('bounces deferred recipients as expired once bounce-after has passed', () => {
    const outcome = decideAttempt(
      facts(
        [
          result('a@example.com', 'delivered', DELIVERED),
          result('b@example.com', 'deferred', GREYLISTED),
        ],
        { attempt: 5, now: at(4 * HOUR) },
      ),
    );
    expect(outcome.retry).toBeUndefined();
    expect(outcome.decided[0]).toMatchObject({ recipient: 'a@example.com', outcome: 'delivered' });
    const expired = outcome.decided[1];
    expect(expired).toMatchObject({
      recipient: 'b@example.com',
      outcome: 'bounced',
      expired: true,
      mxHost: 'mx.example.com',
      reply: { code: 550, enhancedCode: '5.4.7' },
    });
    expect(expired.reply.text).toContain('451 4.7.1 greylisted, try later');
    expect(expired.nextAttemptAt).toBeUndefined();
  });

  it('bounces deferred recipients at once when the policy has no retry schedule', () => {
    const outcome = decideAttempt(
      facts([result('a@example.com', 'deferred', GREYLISTED)], {
        policy: { retrySchedule: [], bounceAfterMs: 4 * HOUR },
      }),
    );
    expect(outcome.retry).toBeUndefined();
    expect(outcome.decided).toEqual([
      {
        ...result('a@example.com', 'deferred', GREYLISTED),
        outcome: 'bounced',
        expired: true,
        reply: expiryReply(GREYLISTED, 2),
      },
    ]);
  });

  it('pulls the last retry in to the bounce-after moment', () => {
    // 3h55m old; the schedule says 1 hour, but the message must be decided at 4 hours.
    const outcome = decideAttempt(
      facts([result('a@example.com', 'deferred', GREYLISTED)], {
        attempt: 4,
        now: at(4 * HOUR - 5 * MIN),
      }),
    );
    expect(outcome.decided[0].nextAttemptAt).toEqual(at(4 * HOUR));
    expect(outcome.retry?.notBefore).toEqual(at(4 * HOUR));
  });
});

describe('expiryReply', () => {
  it('answers 550 5.4.7 naming the attempts and the last reply', () => {
    expect(expiryReply(GREYLISTED, 3)).toEqual({
      code: 550,
      enhancedCode: '5.4.7',
      text: 'message expired after 3 attempt(s); last reply: 451 4.7.1 greylisted, try later',
    });
  });

  it('keeps the text within 512 characters when the last reply is long', () => {
    const reply = expiryReply({ ...GREYLISTED, text: 'x'.repeat(2000) }, 3);
    expect(reply.text).toHaveLength(512);
    expect(reply.text.startsWith('message expired after 3 attempt(s)')).toBe(true);
  });
});
