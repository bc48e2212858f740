// Turns verified click and open hits into CLICKED / OPENED DeliveryEvents on
// mail.events (keyed by message id), where campaign stats and list engagement
// pick them up. The reader's browser never retries a hit, so the produce is
// bounded in time and its outcome is counted rather than left to hold the reader.
import { Inject, Injectable } from '@nestjs/common';
import { events } from '@postline/contracts';
import {
  CampaignError,
  hitEvent,
  verifyHit,
  type HitKind,
  type TrackingHit,
} from '@postline/campaign/domain';
import { CONFIG, LOGGER, METRICS } from '@postline/platform/http';
import { encodePayload, KafkaRuntime, Topics } from '@postline/platform/kafka';
import type { MetricsRegistry } from '@postline/platform/metrics';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CampaignFeatureConfig } from './campaign-feature.config';

/** Longest a hit waits for its event to be durable before the reader is answered anyway. */
export const TRACKING_PRODUCE_TIMEOUT_MS = 5000;

/** recorded: event durable; rejected: forged token; invalid: garbled token; unconfirmed: produce failed or timed out. */
export type HitResult = 'recorded' | 'rejected' | 'invalid' | 'unconfirmed';

@Injectable()
export class TrackingHits {
  private readonly hits;
  private readonly log: Logger;

  constructor(
    @Inject(CONFIG) private readonly config: CampaignFeatureConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(METRICS) metrics: MetricsRegistry,
    private readonly kafka: KafkaRuntime,
  ) {
    this.log = logger.child({ component: 'tracking' });
    this.hits = metrics.counter(
      'tracking_hits_total',
      'Click and open hits on the tracking endpoints, by outcome',
      ['kind', 'result'],
    );
  }

  /** The verified hit; a CampaignError (400 garbled, 403 forged) otherwise, counted. */
  verify(kind: HitKind, token: string): TrackingHit {
    try {
      return verifyHit(kind, token, this.config.POSTLINE_CAMPAIGN_SIGNING_SECRET);
    } catch (e) {
      if (e instanceof CampaignError) {
        const result: HitResult = e.code === 'TRACKING_TOKEN_REJECTED' ? 'rejected' : 'invalid';
        this.hits.inc({ kind, result });
      }
      throw e;
    }
  }

  /** Produces the hit's event; true once it is durable, false when that is not confirmed in time. */
  async record(hit: TrackingHit): Promise<boolean> {
    const event = hitEvent(hit, randomUUID(), new Date());
    const produced = this.kafka.producer.send(Topics.events, [
      { key: event.messageId, value: encodePayload(events.DeliveryEvent, event) },
    ]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('produce not confirmed in time')),
        TRACKING_PRODUCE_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([produced, timedOut]);
      this.hits.inc({ kind: hit.kind, result: 'recorded' });
      return true;
    } catch (e) {
      // A late success still lands the event; only the answer to the reader went out first.
      produced.catch(() => undefined);
      this.hits.inc({ kind: hit.kind, result: 'unconfirmed' });
      this.log.warn(
        {
          event: 'tracking_hit_unconfirmed',
          kind: hit.kind,
          messageId: hit.claims.message,
          err: (e as Error).message,
        },
        'tracking event not confirmed',
      );
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
