// The MTA's core: records taken from mail.outbound wait in per-routing-key
// ready queues; the key scheduler starts deliveries across keys as their
// policies allow; each attempt's results become events (delivered, bounced,
// deferred) and, for deferred recipients, a record in a retry topic. Only
// when all of that is durable in Kafka is the record final, and the consumer
// may commit past it. Nothing here knows about partitions beyond labels.
import { events } from '@postline/contracts';
import { classifyReply } from '@postline/mta/bounce';
import type { DkimSignResult } from '@postline/mta/dkim';
import type { SmtpDispatcher } from '@postline/mta/dispatch';
import type { PolicyBook } from '@postline/mta/policy';
import { KeyScheduler, type QueuedEntry } from '@postline/mta/queue';
import type { NextHopResolver, SourcePools } from '@postline/mta/routing';
import type { BudgetRegistry } from '@postline/mta/throttle';
import { Topics, encodePayload, type OutgoingRecord } from '@postline/platform/kafka';
import type { Logger } from 'pino';
import { decideAttempt, type DecidedResult } from './attempt-outcome';
import { attemptDelivery, type AttemptResult } from './delivery-attempt';
import { buildDeliveryEvent, deliveryEventRecord } from './delivery-event';
import { Destinations, type Destination } from './destinations';
import type { MtaMetrics } from './mta.metrics';
import type { CheckedMessage } from './outbound-record';
import type { ProduceBatcher } from './produce-batcher';
import { retryTopic, tierFor, type RetryTier } from './retry-tiers';

export interface OutboundItem {
  checked: CheckedMessage;
  partition: number;
  offset: string;
  /** Consumer generation the record was taken in; a rebalance makes older items stale. */
  generation: number;
}

export interface DeliveryEngineOptions {
  maxInflight: number;
  resolver: Pick<NextHopResolver, 'resolveRoute'>;
  policies: () => PolicyBook;
  budgets: BudgetRegistry;
  dispatcher: Pick<SmtpDispatcher, 'deliver'>;
  signer?: { sign(raw: Buffer): DkimSignResult | Promise<DkimSignResult> };
  batcher: ProduceBatcher;
  sourcePools?: SourcePools;
  tiers: readonly RetryTier[];
  metrics: MtaMetrics;
  logger: Logger;
  /** The record's outcome is durable: it may be committed past. */
  onFinal(item: OutboundItem): void;
  /**
   * Messages a slow destination (rate-limited, in backoff or suspended) may hold in its ready queue;
   * more go to a retry topic for when its budget can take them, so its backlog never fills the
   * partition buffer that other destinations share (default 1000).
   */
  maxQueuedPerSlowKey?: number;
  /** How often a destination's route is looked up again (default 60 s). */
  routeRefreshMs?: number;
  now?: () => Date;
}

const BOUNCED_BY_OPERATOR = {
  code: 550,
  enhancedCode: '5.0.0',
  text: 'message bounced by the operator (admin bounce of the queue)',
};

export class DeliveryEngine {
  readonly scheduler: KeyScheduler<OutboundItem>;
  readonly destinations: Destinations;
  private readonly now: () => Date;
  private stopping = false;

  constructor(private readonly opts: DeliveryEngineOptions) {
    this.now = opts.now ?? (() => new Date());
    this.destinations = new Destinations({
      resolver: opts.resolver,
      policies: opts.policies,
      budgets: opts.budgets,
      refreshMs: opts.routeRefreshMs ?? 60_000,
      onReady: (key) => this.scheduler.wake(key),
    });
    this.scheduler = new KeyScheduler<OutboundItem>({
      maxInflight: opts.maxInflight,
      // Once draining, queued records stay put (uncommitted) for the partition's next owner.
      gate: (key) => (this.stopping ? { ok: false } : this.destinations.gate(key)),
      start: (entry) => this.run(entry),
      onThrottleWait: (key) => {
        const d = this.destinations.find(key);
        opts.metrics.throttleWaits.inc({
          domain_class: d ? this.destinations.domainClass(d) : 'other',
        });
      },
    });
  }

  /** Queues a checked record for delivery. */
  accept(item: OutboundItem, bytes: number): void {
    const { routingKey } = item.checked.message;
    const destination = this.destinations.get(routingKey, item.checked.domain);
    const queued = this.scheduler.queues.sizeOf(routingKey);
    if (queued >= (this.opts.maxQueuedPerSlowKey ?? 1000)) {
      const drainMs = this.destinations.drainEstimateMs(destination, queued);
      if (drainMs !== undefined) {
        void this.spill(item, destination, drainMs);
        return;
      }
    }
    this.scheduler.enqueue({ key: routingKey, partition: item.partition, bytes, item });
  }

  /**
   * Parks a message of a slow destination in the retry topic whose delay fits the time its queue
   * needs to drain: not an attempt (no event, attempt count unchanged), just waiting off the partition.
   */
  private async spill(
    item: OutboundItem,
    destination: Destination,
    drainMs: number,
  ): Promise<void> {
    const message = item.checked.message;
    const parked = events.OutboundMessage.fromPartial({
      ...message,
      notBefore: new Date(this.now().getTime() + drainMs),
    });
    this.opts.metrics.spilled.inc({ domain_class: this.destinations.domainClass(destination) });
    try {
      await this.produce(message, Math.max(1, message.attempt), [], parked, {});
      this.opts.onFinal(item);
    } catch (e) {
      this.opts.logger.error(
        { event: 'spill_failed', messageId: message.messageId, err: e },
        'could not park a message of a slow destination; it will be delivered again',
      );
    }
  }

  /** Stops starting deliveries and waits for those in flight to become final. */
  async drain(): Promise<void> {
    this.stopping = true;
    await this.scheduler.whenIdle();
    this.opts.batcher.flush();
  }

  /** Bounces everything queued (not in flight) for a domain; returns how many messages. */
  async bounceQueued(domain: string): Promise<number> {
    const keys = [...this.scheduler.queues.keys()].filter(
      (k) => this.destinations.find(k)?.domain === domain,
    );
    const entries = keys.flatMap((k) => this.scheduler.queues.drainKey(k));
    await Promise.all(
      entries.map(async ({ item }) => {
        const results = item.checked.deliverable.map((r) => ({
          recipient: item.checked.original.get(r) ?? r,
          outcome: 'bounced' as const,
          reply: BOUNCED_BY_OPERATOR,
          mxHost: '',
        }));
        const message = item.checked.message;
        await this.produce(
          message,
          Math.max(1, message.attempt),
          [...item.checked.refused, ...results],
          undefined,
          {},
        );
        this.opts.onFinal(item);
      }),
    );
    return entries.length;
  }

  private async run(entry: QueuedEntry<OutboundItem>): Promise<void> {
    const { item } = entry;
    const destination = this.destinations.find(entry.key)!;
    const lease = destination.leases.shift();
    const { metrics } = this.opts;
    const domainClass = this.destinations.domainClass(destination);
    metrics.inflight.inc();
    metrics.smtpConnections.inc({ domain_class: domainClass });
    try {
      const attempt = await this.attempt(item, destination);
      const message = item.checked.message;
      const attemptNo = Math.max(1, message.attempt);
      const firstAttemptAt = message.firstAttemptAt ?? this.now();
      const outcome = decideAttempt({
        message,
        attempt: attemptNo,
        firstAttemptAt,
        results: attempt.results,
        policy: destination.policy,
        now: this.now(),
      });
      await this.produce(message, attemptNo, outcome.decided, outcome.retry, attempt);
      this.observe(item, destination, attempt, outcome.decided, firstAttemptAt);
      this.opts.onFinal(item);
    } catch (e) {
      // Only a stop while Kafka was unreachable gets here: the record stays uncommitted and is redelivered.
      this.opts.logger.error(
        { event: 'delivery_not_final', messageId: item.checked.message.messageId, err: e },
        'delivery outcome could not be made durable; the record will be delivered again',
      );
    } finally {
      lease?.release();
      metrics.inflight.dec();
      metrics.smtpConnections.dec({ domain_class: domainClass });
    }
  }

  private async attempt(item: OutboundItem, destination: Destination): Promise<AttemptResult> {
    const result = await attemptDelivery(item.checked, destination, {
      dispatcher: this.opts.dispatcher,
      signer: this.opts.signer,
      sourcePools: this.opts.sourcePools,
      onSigned: (outcome) => this.opts.metrics.dkim.inc({ outcome }),
    });
    const reply = result.results.find((r) => r.outcome !== 'delivered')?.reply;
    if (reply && result.transacted && this.destinations.observe(destination, reply)) {
      this.opts.logger.warn(
        {
          event: 'backoff_armed',
          routingKey: destination.key,
          policy: destination.policy.name,
          code: reply.code,
        },
        'receiver asked us to slow down; budget in backoff mode',
      );
    }
    return result;
  }

  /** Events for every recipient and the retry record, durable before the caller goes on; retried until Kafka takes them. */
  private async produce(
    message: events.OutboundMessage,
    attempt: number,
    decided: DecidedResult[],
    retry: events.OutboundMessage | undefined,
    session: { tls?: boolean; dkimDomain?: string },
  ): Promise<void> {
    const occurredAt = this.now();
    const writes: Array<{ topic: string; records: OutgoingRecord[] }> = [
      {
        topic: Topics.events,
        records: decided.map((r) =>
          deliveryEventRecord(buildDeliveryEvent(message, r, attempt, occurredAt, session)),
        ),
      },
    ];
    if (retry) {
      const delay = (retry.notBefore?.getTime() ?? occurredAt.getTime()) - occurredAt.getTime();
      const tier = tierFor(delay, this.opts.tiers);
      writes.push({
        topic: retryTopic(tier),
        records: [{ key: retry.routingKey, value: encodePayload(events.OutboundMessage, retry) }],
      });
      this.opts.metrics.retriesScheduled.inc({ tier: tier.name });
    }
    for (let wait = 200; ; wait = Math.min(wait * 2, 10_000)) {
      try {
        await this.opts.batcher.write(writes);
        return;
      } catch (e) {
        if (this.stopping) throw e;
        this.opts.logger.warn(
          { event: 'produce_retry', messageId: message.messageId, err: e, waitMs: wait },
          'could not write delivery outcome to Kafka; retrying',
        );
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /** Metrics and one log line per recipient: domain-level detail only, never addresses or reply text. */
  private observe(
    item: OutboundItem,
    destination: Destination,
    attempt: AttemptResult,
    decided: DecidedResult[],
    firstAttemptAt: Date,
  ): void {
    const { metrics, logger } = this.opts;
    const domainClass = this.destinations.domainClass(destination);
    const best = decided.some((r) => r.outcome === 'delivered')
      ? 'delivered'
      : decided.some((r) => r.outcome === 'deferred')
        ? 'deferred'
        : 'bounced';
    metrics.attempts.inc({ domain_class: domainClass });
    if (attempt.transacted) metrics.deliverySeconds.observe({ result: best }, attempt.seconds);
    const message = item.checked.message;
    const finalSeconds = (this.now().getTime() - firstAttemptAt.getTime()) / 1000;
    for (const r of decided) {
      const category =
        r.outcome === 'delivered'
          ? ''
          : events
              .bounceCategoryToJSON(
                classifyReply({ ...r.reply, expired: r.expired === true }).category,
              )
              .replace('BOUNCE_CATEGORY_', '')
              .toLowerCase();
      metrics.messages.inc({ result: r.outcome, domain_class: domainClass, category });
      if (r.outcome !== 'deferred')
        metrics.endToEndSeconds.observe({ result: r.outcome }, finalSeconds);
      logger.info(
        {
          event: 'delivery',
          messageId: message.messageId,
          routingKey: message.routingKey,
          result: r.outcome,
          code: r.reply.code,
          enhancedCode: r.reply.enhancedCode,
          attempt: Math.max(1, message.attempt),
          mxHost: r.mxHost || undefined,
          tls: attempt.tls,
          nextAttemptAt: r.nextAttemptAt?.toISOString(),
          ms: Math.round(attempt.seconds * 1000),
        },
        'delivery attempt',
      );
    }
  }
}
