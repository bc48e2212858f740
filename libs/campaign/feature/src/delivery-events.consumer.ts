// Folds mail.events into per-campaign delivery state, in batches, and hands the
// guard the outcome counts each event moved. Offsets are committed after the
// batch's writes and the guard's per-campaign update, and the writes are
// idempotent, so a re-delivered batch changes nothing.
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { events } from '@postline/contracts';
import { DeliveryRepository, type DeliveryChange } from '@postline/campaign/data-access';
import { updateFor } from '@postline/campaign/domain';
import { METRICS } from '@postline/platform/http';
import {
  KafkaRuntime,
  Topics,
  decodePayload,
  type BatchContext,
  type ConsumedRecord,
} from '@postline/platform/kafka';
import type { MetricsRegistry } from '@postline/platform/metrics';
import { CampaignGuard } from './campaign-guard.service';

export const CAMPAIGN_EVENTS_GROUP = 'postline-campaign';

@Injectable()
export class DeliveryEventsConsumer implements OnApplicationBootstrap {
  private readonly applied;

  constructor(
    private readonly kafka: KafkaRuntime,
    private readonly deliveries: DeliveryRepository,
    private readonly guard: CampaignGuard,
    @Inject(METRICS) metrics: MetricsRegistry,
  ) {
    this.applied = metrics.counter(
      'delivery_events_applied_total',
      'Delivery events applied to campaign stats',
      ['type'],
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka.runConsumer({
      groupId: CAMPAIGN_EVENTS_GROUP,
      topics: [Topics.events],
      handle: (records, context) => this.handle(records, context),
    });
  }

  private async handle(
    records: ConsumedRecord[],
    context: BatchContext,
  ): Promise<Array<Error | undefined>> {
    const results: Array<Error | undefined> = [];
    const changes: DeliveryChange[] = [];
    for (const { topic, message } of records) {
      try {
        const event = decodePayload(events.DeliveryEvent, topic, message.value);
        results.push(undefined);
        if (!event.campaignId) continue;
        const update = updateFor(event.type);
        if (update.kind === 'ignore') continue;
        const base = { messageId: event.messageId, campaignId: event.campaignId };
        changes.push(
          update.kind === 'status'
            ? { ...base, status: update.status, final: update.final, hardBounce: event.hardBounce }
            : { ...base, flag: update.flag },
        );
        this.applied.inc({
          type: events
            .deliveryEventTypeToJSON(event.type)
            .replace('DELIVERY_EVENT_TYPE_', '')
            .toLowerCase(),
        });
      } catch (e) {
        results.push(e as Error);
      }
    }
    await this.deliveries.apply(
      changes,
      (campaignId, delta) => this.guard.record(campaignId, delta),
      () => context.heartbeat(),
    );
    await this.guard.settle(changes.map((c) => c.campaignId));
    return results;
  }
}
