// The MTA's consumer of mail.outbound.v1, one Kafka batch at a time: decode and
// check each record, group by routing key, deliver across keys concurrently
// (bounded in-flight), then produce every resulting DeliveryEvent to
// mail.events.v1 in one send before returning, so offsets are committed only
// after the events are durable. Framework-free; the Nest module wires it.
import { events } from '@postline/contracts';
import type { Dispatcher } from '@postline/mta/dispatch';
import type { NextHop } from '@postline/mta/routing';
import {
  Topics,
  decodePayload,
  type BatchContext,
  type ConsumedRecord,
  type OutgoingRecord,
} from '@postline/platform/kafka';
import type { Logger } from 'pino';
import { Semaphore, forEachLimited } from './concurrency';
import { buildDeliveryEvent, deliveryEventRecord } from './delivery-event';
import {
  deliverMessage,
  type AttemptReport,
  type DeferRetryPolicy,
  type DeliveryContext,
} from './message-delivery';
import type { MtaMetrics } from './mta.metrics';
import { checkOutboundMessage, type CheckedMessage } from './outbound-record';

/** Thrown to leave a batch uncommitted: Kafka redelivers it and the deferred recipients get another go. */
export class DeliveryDeferredError extends Error {
  readonly code = 'MTA_DELIVERY_DEFERRED';
  constructor(readonly messageIds: string[]) {
    super(
      `${messageIds.length} message(s) still deferred after in-process retries; batch left uncommitted for redelivery`,
    );
    this.name = 'DeliveryDeferredError';
  }
}

export interface EventSink {
  send(topic: string, records: OutgoingRecord[]): Promise<void>;
}

export interface OutboundBatchHandlerOptions {
  resolver: { resolve(domain: string): Promise<NextHop> };
  dispatcher: Dispatcher;
  events: EventSink;
  logger: Logger;
  metrics: MtaMetrics;
  /** Delivery attempts in flight across all routing keys of a batch. */
  maxInflight: number;
  /** Messages of one routing key in flight at once (its hop's pooled connections). */
  perKeyConcurrency: number;
  retry: DeferRetryPolicy;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

const noHeartbeat: BatchContext = { heartbeat: async () => undefined };

export class OutboundBatchHandler {
  private readonly slots: Semaphore;

  constructor(private readonly opts: OutboundBatchHandlerOptions) {
    this.slots = new Semaphore(opts.maxInflight);
  }

  async handle(
    records: ConsumedRecord[],
    batch: BatchContext = noHeartbeat,
  ): Promise<Array<Error | undefined>> {
    const results: Array<Error | undefined> = records.map(() => undefined);
    const byKey = groupByRoutingKey(records, results);
    const produced: OutgoingRecord[] = [];
    const { stillDeferred, failures } = await this.deliverAll(byKey, this.context(batch, produced));
    // What did happen is produced even when the batch will be redelivered; the ids repeat then.
    await this.opts.events.send(Topics.events, produced);
    if (failures.length > 0) throw failures[0];
    if (stillDeferred.length > 0) {
      this.opts.logger.warn(
        { event: 'batch_deferred', messages: stillDeferred.length },
        'deferred messages left for Kafka redelivery',
      );
      throw new DeliveryDeferredError(stillDeferred);
    }
    return results;
  }

  /** Routing keys run side by side; within a key, up to perKeyConcurrency messages at once. */
  private async deliverAll(
    byKey: Map<string, CheckedMessage[]>,
    ctx: DeliveryContext,
  ): Promise<{ stillDeferred: string[]; failures: Error[] }> {
    const stillDeferred: string[] = [];
    const failures: Error[] = [];
    const deliverOne = async (checked: CheckedMessage) => {
      const { messageId, routingKey } = checked.message;
      try {
        if ((await deliverMessage(checked, ctx)).length > 0) stillDeferred.push(messageId);
      } catch (e) {
        failures.push(e as Error);
        this.opts.logger.error(
          { event: 'delivery_failed', messageId, routingKey, err: e },
          'delivery attempt failed unexpectedly',
        );
      }
    };
    await Promise.all(
      [...byKey.values()].map((messages) =>
        forEachLimited(messages, this.opts.perKeyConcurrency, deliverOne),
      ),
    );
    return { stillDeferred, failures };
  }

  private context(batch: BatchContext, produced: OutgoingRecord[]): DeliveryContext {
    const { metrics } = this.opts;
    const now = this.opts.now ?? (() => new Date());
    return {
      resolver: this.opts.resolver,
      dispatcher: this.opts.dispatcher,
      slots: this.slots,
      retry: this.opts.retry,
      sleep: this.opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      heartbeat: async () => {
        // A failed heartbeat means a rebalance; the commit after the batch will tell. Deliveries in hand still finish.
        await batch.heartbeat().catch(() => undefined);
      },
      onAttemptStart: () => metrics.inflight.inc(),
      onAttemptEnd: () => metrics.inflight.dec(),
      record: (report) => {
        const occurredAt = now();
        for (const result of report.results)
          produced.push(
            deliveryEventRecord(
              buildDeliveryEvent(report.checked.message, result, report.attempt, occurredAt),
            ),
          );
        this.observe(report);
        void batch.heartbeat().catch(() => undefined);
      },
    };
  }

  /** Metrics and one log line per recipient result: domain-level detail only, never addresses or reply text. */
  private observe({ checked, attempt, hop, results, seconds }: AttemptReport): void {
    const { metrics, logger } = this.opts;
    const best = results.some((r) => r.outcome === 'delivered')
      ? 'delivered'
      : results.some((r) => r.outcome === 'deferred')
        ? 'deferred'
        : 'bounced';
    if (hop) metrics.deliverySeconds.observe({ result: best }, seconds);
    for (const r of results) {
      metrics.messages.inc({ result: r.outcome });
      logger.info(
        {
          event: 'delivery',
          messageId: checked.message.messageId,
          routingKey: checked.message.routingKey,
          result: r.outcome,
          code: r.reply.code,
          enhancedCode: r.reply.enhancedCode,
          attempt,
          mxHost: r.mxHost || undefined,
          via: hop?.via,
          ms: Math.round(seconds * 1000),
        },
        'delivery attempt',
      );
      logger.debug(
        { event: 'delivery_reply', messageId: checked.message.messageId, reply: r.reply.text },
        'peer reply',
      );
    }
  }
}

/** Decodes and checks each record; a record that fails gets its error in `results` (dead-lettered). */
function groupByRoutingKey(
  records: ConsumedRecord[],
  results: Array<Error | undefined>,
): Map<string, CheckedMessage[]> {
  const byKey = new Map<string, CheckedMessage[]>();
  records.forEach((record, i) => {
    try {
      const message = decodePayload(events.OutboundMessage, record.topic, record.message.value);
      const checked = checkOutboundMessage(message);
      const group = byKey.get(message.routingKey) ?? [];
      group.push(checked);
      byKey.set(message.routingKey, group);
    } catch (e) {
      results[i] = e as Error;
    }
  });
  return byKey;
}
