// Delivers one OutboundMessage: resolve the next hop, hand the message to the
// dispatcher, and record one result per recipient per attempt.
//
// Walking-skeleton rule for deferrals (retry topics come with the full MTA):
// recipients that are deferred get a DEFERRED event and are re-attempted here,
// in process, with capped exponential backoff, up to `maxAttempts` tries
// (by default 3 tries, 1 s then 2 s apart). Recipients still deferred after that
// are reported back, and the batch handler fails the batch so Kafka redelivers it.
import type { Dispatcher, DeliveryResult, SmtpEnvelope } from '@postline/mta/dispatch';
import { RoutingError, type NextHop } from '@postline/mta/routing';
import type { Semaphore } from './concurrency';
import type { CheckedMessage } from './outbound-record';

export interface DeferRetryPolicy {
  /** Tries in process, the first included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/** What one attempt did, for metrics, logs and events. */
export interface AttemptReport {
  checked: CheckedMessage;
  attempt: number;
  hop?: NextHop;
  results: DeliveryResult[];
  seconds: number;
}

export interface DeliveryContext {
  resolver: { resolve(domain: string): Promise<NextHop> };
  dispatcher: Dispatcher;
  /** Bounds deliveries in flight across all routing keys. */
  slots: Semaphore;
  retry: DeferRetryPolicy;
  sleep(ms: number): Promise<void>;
  /** Called with every attempt's results, refused-before-attempt ones included. */
  record(report: AttemptReport): void;
  /** Keeps the consumer's group membership alive during long batches. */
  heartbeat(): Promise<void>;
  onAttemptStart(): void;
  onAttemptEnd(): void;
}

export function backoffDelayMs(policy: DeferRetryPolicy, triesDone: number): number {
  return Math.min(policy.initialDelayMs * 2 ** (triesDone - 1), policy.maxDelayMs);
}

/** Delivers a checked message; resolves to the recipients still deferred after the in-process tries. */
export async function deliverMessage(
  checked: CheckedMessage,
  ctx: DeliveryContext,
): Promise<string[]> {
  const first = Math.max(1, checked.message.attempt);
  if (checked.refused.length > 0) {
    ctx.record({ checked, attempt: first, results: checked.refused, seconds: 0 });
  }
  let pending = checked.deliverable;
  for (let tries = 1; pending.length > 0; tries++) {
    const report = await attemptOnce(
      checked,
      { mailFrom: checked.mailFrom, rcptTo: pending },
      first + tries - 1,
      ctx,
    );
    ctx.record(report);
    const deferred = new Set(
      report.results.filter((r) => r.outcome === 'deferred').map((r) => r.recipient),
    );
    pending = pending.filter((smtp) => deferred.has(checked.original.get(smtp) ?? smtp));
    if (pending.length === 0 || tries >= ctx.retry.maxAttempts) break;
    await ctx.heartbeat();
    await ctx.sleep(backoffDelayMs(ctx.retry, tries));
  }
  return pending;
}

async function attemptOnce(
  checked: CheckedMessage,
  envelope: SmtpEnvelope,
  attempt: number,
  ctx: DeliveryContext,
): Promise<AttemptReport> {
  return ctx.slots.run(async () => {
    ctx.onAttemptStart();
    const started = process.hrtime.bigint();
    let hop: NextHop | undefined;
    let results: DeliveryResult[];
    try {
      hop = await ctx.resolver.resolve(checked.domain);
      const raw = checked.message.rawMime;
      results = await ctx.dispatcher.deliver(
        hop,
        envelope,
        Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength),
      );
    } catch (e) {
      if (!(e instanceof RoutingError)) throw e;
      // Null MX, unknown domain (permanent) or a DNS hiccup (temporary): the same verdict for every recipient.
      const outcome = e.permanent ? 'bounced' : 'deferred';
      results = envelope.rcptTo.map((recipient) => ({
        recipient,
        outcome,
        reply: e.reply,
        mxHost: '',
      }));
    } finally {
      ctx.onAttemptEnd();
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // Events name the recipient as the record did, not in the SMTP form we sent.
    results = results.map((r) => ({
      ...r,
      recipient: checked.original.get(r.recipient) ?? r.recipient,
    }));
    return { checked, attempt, hop, results, seconds };
  });
}
