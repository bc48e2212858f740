// The campaign guard in the running service: collects the outcome counts the
// events consumer derives from mail.events, adds them to each campaign's
// document once per consumer batch (so they survive a restart), and pauses a
// sending campaign whose hard-bounce or complaint rate passes its limit
// (libs/campaign/domain/campaign-guard). The launcher is halted before the
// pause is written, so a paused campaign produces no further render request.
import { Inject, Injectable } from '@nestjs/common';
import { CampaignRepository, type CampaignDoc } from '@postline/campaign/data-access';
import {
  addCounts,
  effectiveLimits,
  guardDecision,
  GUARD_REASONS,
  isZeroCounts,
  ZERO_COUNTS,
  type GuardCounts,
  type GuardDecision,
  type GuardLimits,
} from '@postline/campaign/domain';
import { CONFIG, LOGGER, METRICS } from '@postline/platform/http';
import type { MetricsRegistry } from '@postline/platform/metrics';
import type { Logger } from 'pino';
import type { CampaignFeatureConfig } from './campaign-feature.config';
import { CampaignLauncher } from './campaign-launcher';

export function guardDefaults(config: CampaignFeatureConfig): GuardLimits {
  return {
    minAttempts: config.POSTLINE_CAMPAIGN_GUARD_MIN_ATTEMPTS,
    maxHardBounceBasisPoints: config.POSTLINE_CAMPAIGN_GUARD_MAX_HARD_BOUNCE_BASIS_POINTS,
    maxComplaintBasisPoints: config.POSTLINE_CAMPAIGN_GUARD_MAX_COMPLAINT_BASIS_POINTS,
  };
}

@Injectable()
export class CampaignGuard {
  /** Counts already durable in the deliveries collection but not yet added to their campaign. */
  private readonly pending = new Map<string, GuardCounts>();
  private readonly pauses;
  private readonly log: Logger;
  readonly defaults: GuardLimits;

  constructor(
    @Inject(CONFIG) private readonly config: CampaignFeatureConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(METRICS) metrics: MetricsRegistry,
    private readonly campaigns: CampaignRepository,
    private readonly launcher: CampaignLauncher,
  ) {
    this.log = logger.child({ component: 'guard' });
    this.defaults = guardDefaults(config);
    this.pauses = metrics.counter(
      'guard_pauses_total',
      'Campaigns paused by the guard, by the rate that passed its limit',
      ['reason'],
    );
    // Every reason is exported from the start, so increase() sees the first pause.
    for (const reason of GUARD_REASONS) this.pauses.inc({ reason }, 0);
  }

  /** The limits a campaign runs under. */
  limitsOf(campaign: CampaignDoc): GuardLimits {
    return effectiveLimits(campaign.guardLimits, this.defaults);
  }

  /** What the guard makes of the campaign's current window. */
  decide(campaign: CampaignDoc): GuardDecision {
    return guardDecision(campaign.guardCounts ?? ZERO_COUNTS, this.limitsOf(campaign));
  }

  /** Takes one message's count change (durable already); `settle` writes it to the campaign. */
  record(campaignId: string, delta: GuardCounts): void {
    if (isZeroCounts(delta)) return;
    this.pending.set(campaignId, addCounts(this.pending.get(campaignId) ?? ZERO_COUNTS, delta));
  }

  /**
   * Adds the pending counts of each campaign to its document and pauses those
   * over a limit. Campaigns without pending counts are judged again too: a
   * batch re-delivered after a failed pause adds nothing, yet must pause. On a
   * failure the counts not yet written stay pending for the next batch.
   */
  async settle(campaignIds: Iterable<string>): Promise<void> {
    for (const id of new Set(campaignIds)) {
      const delta = this.pending.get(id);
      this.pending.delete(id);
      let campaign: CampaignDoc | null;
      try {
        campaign = delta
          ? await this.campaigns.addGuardCounts(id, delta)
          : await this.campaigns.findById(id);
      } catch (e) {
        if (delta) this.record(id, delta);
        throw e;
      }
      if (campaign) await this.judge(campaign);
    }
  }

  private async judge(campaign: CampaignDoc): Promise<void> {
    if (!this.config.POSTLINE_CAMPAIGN_GUARD_ENABLED || campaign.status !== 'sending') return;
    const decision = this.decide(campaign);
    if (!decision.pause) return;
    await this.launcher.halt(campaign._id);
    const paused = await this.campaigns.markPaused(campaign._id, decision.reason, new Date());
    // Null: it stopped sending meanwhile (finished, failed or already paused); nothing to count.
    if (!paused) return;
    this.pauses.inc({ reason: decision.reason });
    this.log.warn(
      {
        event: 'campaign_guard_paused',
        campaignId: campaign._id,
        tenantId: campaign.tenantId,
        reason: decision.reason,
        limitBasisPoints: decision.limit,
        ...decision.rates,
        counts: campaign.guardCounts,
      },
      'campaign paused by the guard',
    );
  }
}
