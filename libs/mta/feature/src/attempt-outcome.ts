// What follows one delivery attempt, recipient by recipient: delivered and
// bounced recipients are final; deferred ones wait in a retry topic until the
// policy's next attempt time, or — once the schedule ends at bounce-after —
// bounce as expired. Pure: the engine produces what this returns.
import { events } from '@postline/contracts';
import type { DeliveryResult, SmtpReply } from '@postline/mta/dispatch';
import { nextAttemptAt, type PolicyFields } from '@postline/mta/policy';

export interface AttemptFacts {
  message: events.OutboundMessage;
  /** This attempt's number (1 for the first). */
  attempt: number;
  /** When the first attempt happened (this one, for a first attempt). */
  firstAttemptAt: Date;
  results: DeliveryResult[];
  policy: Pick<PolicyFields, 'retrySchedule' | 'bounceAfterMs'>;
  now: Date;
}

/** A recipient result made final or scheduled, ready to become an event. */
export interface DecidedResult extends DeliveryResult {
  /** Deferred: when it is tried again. */
  nextAttemptAt?: Date;
  /** Bounced because bounce-after was reached. */
  expired?: boolean;
}

export interface AttemptOutcome {
  decided: DecidedResult[];
  /** The same message for the still-deferred recipients, to be put in a retry topic. */
  retry?: events.OutboundMessage;
}

/** The reply an expired recipient bounces with: 5.4.7 (RFC 3463, delivery time expired) and the last reply seen. */
export function expiryReply(last: SmtpReply, attempts: number): SmtpReply {
  return {
    code: 550,
    enhancedCode: '5.4.7',
    text: `message expired after ${attempts} attempt(s); last reply: ${last.code} ${last.enhancedCode} ${last.text}`.slice(
      0,
      512,
    ),
  };
}

export function decideAttempt(facts: AttemptFacts): AttemptOutcome {
  const { message, attempt, results, now } = facts;
  const deferred = results.filter((r) => r.outcome === 'deferred');
  const decided: DecidedResult[] = results.filter((r) => r.outcome !== 'deferred');
  if (deferred.length === 0) return { decided };
  const at = nextAttemptAt(facts.policy, attempt, facts.firstAttemptAt.getTime(), now.getTime());
  if (at === undefined) {
    for (const r of deferred) {
      decided.push({
        ...r,
        outcome: 'bounced',
        reply: expiryReply(r.reply, attempt),
        expired: true,
      });
    }
    return { decided };
  }
  const nextAt = new Date(at);
  for (const r of deferred) decided.push({ ...r, nextAttemptAt: nextAt });
  const retry = events.OutboundMessage.fromPartial({
    ...message,
    envelope: {
      ...message.envelope,
      mailFrom: message.envelope?.mailFrom ?? '',
      rcptTo: deferred.map((r) => r.recipient),
    },
    attempt: attempt + 1,
    firstAttemptAt: facts.firstAttemptAt,
    notBefore: nextAt,
  });
  return { decided, retry };
}
