// One batch of mail.events, folded into list state: hard bounces and
// complaints suppress addresses, soft-bounce streaks that reach the limit
// suppress too, opens and clicks update engagement, unsubscribes end
// memberships. Every write is idempotent (deterministic suppression keys,
// event-id-guarded updates, status-guarded unsubscribes), so the consumer may
// replay a batch after a crash and nothing changes twice. A record that can
// never be handled is returned as a permanent error for the dead-letter topic;
// anything thrown is transient and the batch is retried.
import { Inject, Injectable } from '@nestjs/common';
import {
  parseObjectId,
  type EngagementChange,
  type SuppressionDoc,
} from '@postline/list/data-access';
import { feedbackAction, type FeedbackAction, type FeedbackType } from '@postline/list/domain';
import { LOGGER } from '@postline/platform/http';
import {
  PermanentRecordError,
  type BatchContext,
  type ConsumedRecord,
} from '@postline/platform/kafka';
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { LIST_FEATURE_OPTIONS, LIST_STORE, type ListFeatureOptions } from '../list-feature.options';
import type { ListStore } from '../list-store';
import { ListMetrics } from '../list.metrics';
import { addressSuppression } from '../suppression/suppression-doc';
import { UnsubscribeService, type UnsubscribeRequest } from '../unsubscribe/unsubscribe.service';
import { feedbackEventOf } from './feedback-event';

type Unsubscribe = Extract<FeedbackAction, { kind: 'unsubscribe' }>;

interface Plan {
  suppressions: SuppressionDoc[];
  engagement: EngagementChange[];
  softBounced: Types.ObjectId[];
  unsubscribes: Unsubscribe[];
}

@Injectable()
export class FeedbackBatchHandler {
  constructor(
    @Inject(LIST_STORE) private readonly store: ListStore,
    private readonly unsubscribe: UnsubscribeService,
    private readonly metrics: ListMetrics,
    @Inject(LIST_FEATURE_OPTIONS)
    private readonly options: Pick<ListFeatureOptions, 'softBounceLimit'>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(
    records: ConsumedRecord[],
    context: BatchContext,
  ): Promise<Array<Error | undefined>> {
    const plan: Plan = { suppressions: [], engagement: [], softBounced: [], unsubscribes: [] };
    // Undecodable records count as "unrecognized" in the metrics.
    const types: FeedbackType[] = records.map(() => 'unrecognized');
    const ignored = new Set<number>();
    const results = records.map((record, i) => {
      try {
        const event = feedbackEventOf(record);
        types[i] = event.type;
        const verdict = feedbackAction(event);
        if (!verdict.ok) return new PermanentRecordError(verdict.reason);
        if (verdict.action.kind === 'ignore') ignored.add(i);
        this.plan(plan, verdict.action, event.eventId);
        return undefined;
      } catch (e) {
        return e as Error;
      }
    });
    await this.suppress(plan.suppressions);
    await this.store.engagement.apply(plan.engagement, () => context.heartbeat());
    await this.suppressStreaks(plan.softBounced);
    await this.unsubscribeAll(plan.unsubscribes);
    results.forEach((err, i) =>
      this.metrics.feedback(
        types[i],
        err ? 'dead_lettered' : ignored.has(i) ? 'ignored' : 'applied',
      ),
    );
    return results;
  }

  private plan(plan: Plan, action: FeedbackAction, eventId: string): void {
    switch (action.kind) {
      case 'ignore':
        return;
      case 'suppress':
        plan.suppressions.push(
          addressSuppression(
            action.tenantId,
            action.address,
            action.reason,
            `event:${eventId}`,
            new Date(),
          ),
        );
        return;
      case 'unsubscribe':
        plan.unsubscribes.push(action);
        return;
      default: {
        const subscriberId = parseObjectId(action.subscriberId)!;
        plan.engagement.push({ ...action, subscriberId });
        if (action.kind === 'soft_bounce') plan.softBounced.push(subscriberId);
      }
    }
  }

  /** Inserts the entries; one that exists already (a replay, or suppressed before) is left as it is. */
  private async suppress(docs: SuppressionDoc[]): Promise<void> {
    if (docs.length === 0) return;
    const outcome = await this.store.suppressions.insertMany(docs);
    if (outcome.failed.size > 0) {
      const [, reason] = [...outcome.failed][0];
      throw new Error(`writing ${outcome.failed.size} suppressions failed: ${reason}`);
    }
    for (const i of outcome.inserted) {
      const doc = docs[i];
      this.metrics.suppressed(doc.reason);
      this.logger.info(
        {
          event: 'suppression_added',
          tenantId: doc.tenantId,
          reason: doc.reason,
          source: doc.source,
        },
        'address suppressed from delivery feedback',
      );
    }
  }

  /** Suppresses the subscribers whose soft-bounce streak reached the limit. */
  private async suppressStreaks(ids: Types.ObjectId[]): Promise<void> {
    const over = await this.store.engagement.streaksAtLeast(ids, this.options.softBounceLimit);
    const now = new Date();
    await this.suppress(
      over.map((s) =>
        addressSuppression(
          s.tenantId,
          s.email,
          'soft_bounce',
          `soft-bounce streak of ${this.options.softBounceLimit}`,
          now,
        ),
      ),
    );
  }

  /** Ends the memberships the events name; a subscriber known only by address is looked up by it. */
  private async unsubscribeAll(actions: Unsubscribe[]): Promise<void> {
    if (actions.length === 0) return;
    const byAddress = await this.subscribersByAddress(actions.filter((a) => !a.subscriberId));
    const requests: UnsubscribeRequest[] = [];
    for (const a of actions) {
      const subscriberId = a.subscriberId
        ? parseObjectId(a.subscriberId)
        : byAddress.get(`${a.tenantId}/${a.address}`);
      // No such subscriber (erased, or never on a list): nothing to end.
      if (subscriberId)
        requests.push({ tenantId: a.tenantId, subscriberId, cause: a.eventId, at: a.at });
    }
    await this.unsubscribe.apply(requests, 'delivery_event');
  }

  private async subscribersByAddress(actions: Unsubscribe[]): Promise<Map<string, Types.ObjectId>> {
    const out = new Map<string, Types.ObjectId>();
    const byTenant = new Map<string, string[]>();
    for (const a of actions)
      byTenant.set(a.tenantId, [...(byTenant.get(a.tenantId) ?? []), a.address!]);
    for (const [tenantId, addresses] of byTenant) {
      for (const [email, doc] of await this.store.subscribers.findByEmails(tenantId, addresses)) {
        out.set(`${tenantId}/${email}`, doc._id);
      }
    }
    return out;
  }
}
