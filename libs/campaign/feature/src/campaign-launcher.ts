// Sends a launched campaign: streams its recipients from the list service
// (gRPC server streaming; reading no faster than we produce is the
// backpressure), paces them at the campaign's rate, and produces one render
// request per recipient to mail.render. Progress is recorded after each durable
// batch, so a restarted process resumes after the last recorded recipient.
// The guard halts a run before it marks the campaign paused, so once a pause is
// visible no further render request of that campaign is produced.
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { events, type listV1 } from '@postline/contracts';
import { CampaignRepository, type CampaignDoc } from '@postline/campaign/data-access';
import { buildRenderRequest, RatePacer } from '@postline/campaign/domain';
import { CONFIG, LOGGER, METRICS } from '@postline/platform/http';
import { KafkaRuntime, Topics, encodePayload, type OutgoingRecord } from '@postline/platform/kafka';
import type { MetricsRegistry } from '@postline/platform/metrics';
import type { Logger } from 'pino';
import type { CampaignFeatureConfig } from './campaign-feature.config';
import { PeerClients } from './peer-clients';

const MAX_STREAM_ATTEMPTS = 5;

/** One send of a campaign: halted by the guard, or ended by shutdown. */
interface Run {
  done: Promise<void>;
  halted: boolean;
  /** The batch being produced and recorded, if any; a halt waits for it. */
  inFlight?: Promise<string>;
}

@Injectable()
export class CampaignLauncher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly running = new Map<string, Run>();
  private stopping = false;
  private readonly produced;

  constructor(
    @Inject(CONFIG) private readonly config: CampaignFeatureConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: MetricsRegistry,
    private readonly kafka: KafkaRuntime,
    private readonly peers: PeerClients,
    private readonly campaigns: CampaignRepository,
  ) {
    this.produced = metrics.counter(
      'render_requests_produced_total',
      'Render requests produced to mail.render for launched campaigns',
    );
  }

  /** Resumes campaigns that were sending when the previous process stopped. */
  async onApplicationBootstrap(): Promise<void> {
    for (const campaign of await this.campaigns.findSending()) {
      this.logger.info(
        { event: 'campaign_resume', campaignId: campaign._id, cursor: campaign.launchCursor },
        'resuming campaign',
      );
      this.start(campaign);
    }
  }

  start(campaign: CampaignDoc): void {
    if (this.running.has(campaign._id)) return;
    const run: Run = { done: Promise.resolve(), halted: false };
    run.done = this.send(campaign, run).finally(() => {
      // A halted run may still be winding down while a resumed one has taken its place.
      if (this.running.get(campaign._id) === run) this.running.delete(campaign._id);
    });
    this.running.set(campaign._id, run);
  }

  /**
   * Stops producing for one campaign: no batch starts after this call, and it
   * resolves once a batch already being produced is durable and recorded. The
   * run itself winds down in the background (it may be waiting on its pacer).
   */
  async halt(campaignId: string): Promise<void> {
    const run = this.running.get(campaignId);
    if (!run) return;
    run.halted = true;
    this.running.delete(campaignId);
    await run.inFlight?.catch(() => undefined);
  }

  /** Stops producing; the cursor of the last durable batch is already recorded. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  private async send(campaign: CampaignDoc, run: Run): Promise<void> {
    const log = this.logger.child({ campaignId: campaign._id });
    const pacer = new RatePacer(campaign.sendRatePerSecond);
    const ended = () => this.stopping || run.halted;
    let cursor = campaign.launchCursor;
    for (let attempt = 1; attempt <= MAX_STREAM_ATTEMPTS && !ended(); attempt++) {
      try {
        cursor = await this.streamFrom(campaign, cursor, pacer, run);
        if (ended()) return;
        await this.campaigns.finish(campaign._id, 'sent', new Date());
        log.info({ event: 'campaign_queued' }, 'all recipients queued for rendering');
        return;
      } catch (e) {
        log.warn(
          { event: 'campaign_stream_failed', attempt, err: (e as Error).message },
          'recipient stream failed; resuming',
        );
        await new Promise((r) => setTimeout(r, Math.min(8000, 250 * 2 ** attempt)));
      }
    }
    if (ended()) return;
    await this.campaigns.finish(
      campaign._id,
      'failed',
      new Date(),
      `recipient stream failed ${MAX_STREAM_ATTEMPTS} times`,
    );
    log.error({ event: 'campaign_failed' }, 'campaign failed');
  }

  /** Produces every recipient after `cursor`; returns the last cursor produced. */
  private async streamFrom(
    campaign: CampaignDoc,
    after: string,
    pacer: RatePacer,
    run: Run,
  ): Promise<string> {
    const call = this.peers.list.streamRecipients({
      tenantId: campaign.tenantId,
      listId: campaign.listId,
      afterCursor: after,
    });
    let batch: listV1.StreamRecipientsResponse[] = [];
    let cursor = after;
    try {
      for await (const item of call as AsyncIterable<listV1.StreamRecipientsResponse>) {
        batch.push(item);
        if (batch.length >= this.config.POSTLINE_CAMPAIGN_BATCH_SIZE) {
          cursor = await this.produce(campaign, batch, pacer, run, cursor);
          batch = [];
          if (this.stopping || run.halted) return cursor;
        }
      }
      if (batch.length > 0) cursor = await this.produce(campaign, batch, pacer, run, cursor);
      return cursor;
    } finally {
      // Cancelling a finished or abandoned stream reports CANCELLED as an error event; it is expected.
      call.on('error', () => undefined);
      call.cancel();
    }
  }

  /** Produces one batch unless the run was halted meanwhile; returns the cursor now recorded. */
  private async produce(
    campaign: CampaignDoc,
    batch: listV1.StreamRecipientsResponse[],
    pacer: RatePacer,
    run: Run,
    cursor: string,
  ): Promise<string> {
    await pacer.take(batch.length);
    // Checked and claimed with no await in between: a halt either sees this
    // batch in flight and waits for it, or the batch is never produced.
    if (run.halted) return cursor;
    run.inFlight = this.produceBatch(campaign, batch);
    try {
      return await run.inFlight;
    } finally {
      run.inFlight = undefined;
    }
  }

  private async produceBatch(
    campaign: CampaignDoc,
    batch: listV1.StreamRecipientsResponse[],
  ): Promise<string> {
    const now = new Date();
    const records: OutgoingRecord[] = batch.map(({ recipient }) => {
      const request = buildRenderRequest(
        campaign,
        recipient!,
        this.config.POSTLINE_CAMPAIGN_DEFAULT_POOL,
        now,
      );
      return { key: request.requestId, value: encodePayload(events.RenderRequest, request) };
    });
    await this.kafka.producer.send(Topics.render, records);
    const cursor = batch[batch.length - 1].cursor;
    await this.campaigns.recordProgress(campaign._id, cursor, batch.length);
    this.produced.inc(batch.length);
    return cursor;
  }
}
