// Campaign lifecycle: create (template stored in render), launch (checks, then
// hand-off to the launcher), resume after a guard pause, read and stats. Every
// check happens before the first write, so a refused request leaves nothing behind.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  CampaignError,
  effectiveLimits,
  guardDecision,
  ZERO_COUNTS,
  type GuardLimits,
} from '@postline/campaign/domain';
import {
  CampaignRepository,
  DeliveryRepository,
  type CampaignDoc,
  type DeliveryCounts,
} from '@postline/campaign/data-access';
import { unary } from '@postline/platform/grpc';
import { CONFIG } from '@postline/platform/http';
import type { CampaignFeatureConfig } from './campaign-feature.config';
import { CampaignGuard } from './campaign-guard.service';
import { CampaignLauncher } from './campaign-launcher';
import { isGrpcError, peerFailure } from './grpc-errors';
import { PeerClients } from './peer-clients';

export interface NewCampaign {
  name: string;
  listId: string;
  subject: string;
  /** One of html and mjml (render refuses both, and compiles MJML into the HTML it stores). */
  html?: string;
  mjml?: string;
  text?: string;
  fromAddress: string;
  fromName?: string;
  sendRatePerSecond?: number;
  trackClicks?: boolean;
  trackOpens?: boolean;
  /** Guard limits of this campaign; unset ones follow the service settings. */
  guard?: Partial<GuardLimits>;
}

/** An operator's resume of a paused campaign: a fresh guard window, other limits, or both. */
export interface ResumeRequest {
  resetWindow?: boolean;
  guard?: Partial<GuardLimits>;
}

export interface CampaignStatsView extends DeliveryCounts {
  campaignId: string;
  status: CampaignDoc['status'];
  queued: number;
}

@Injectable()
export class CampaignService {
  constructor(
    @Inject(CONFIG) private readonly config: CampaignFeatureConfig,
    private readonly peers: PeerClients,
    private readonly campaigns: CampaignRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly launcher: CampaignLauncher,
    private readonly guard: CampaignGuard,
  ) {}

  async create(tenantId: string, input: NewCampaign): Promise<CampaignDoc> {
    await this.requireList(tenantId, input.listId);
    const template = await this.storeTemplate(tenantId, input);
    const guardLimits = definedLimits(input.guard);
    const doc: CampaignDoc = {
      _id: randomUUID(),
      tenantId,
      name: input.name,
      listId: input.listId,
      subject: input.subject,
      fromAddress: input.fromAddress,
      fromName: input.fromName ?? '',
      template,
      sendRatePerSecond: input.sendRatePerSecond ?? this.config.POSTLINE_CAMPAIGN_DEFAULT_SEND_RATE,
      tracking: { clicks: input.trackClicks ?? true, opens: input.trackOpens ?? true },
      ...(guardLimits ? { guardLimits } : {}),
      status: 'draft',
      recipientsQueued: 0,
      launchCursor: '',
      createdAt: new Date(),
    };
    return this.campaigns.insert(doc);
  }

  async get(tenantId: string, campaignId: string): Promise<CampaignDoc> {
    const campaign = await this.campaigns.find(tenantId, campaignId);
    if (!campaign)
      throw new CampaignError('CAMPAIGN_NOT_FOUND', `campaign ${campaignId} not found`);
    return campaign;
  }

  /** Checks that the campaign is a draft with recipients, then starts sending in the background. */
  async launch(tenantId: string, campaignId: string): Promise<CampaignDoc> {
    const campaign = await this.get(tenantId, campaignId);
    if (campaign.status !== 'draft') {
      throw new CampaignError(
        'CAMPAIGN_ALREADY_LAUNCHED',
        `campaign ${campaignId} was already launched (status ${campaign.status})`,
      );
    }
    await this.requireList(tenantId, campaign.listId);
    const { count } = await this.callList(() =>
      unary(this.peers.list.countRecipients.bind(this.peers.list), {
        tenantId,
        listId: campaign.listId,
      }),
    );
    if (count === 0)
      throw new CampaignError('LIST_EMPTY', `list ${campaign.listId} has no subscribed recipients`);
    const sending = await this.campaigns.markSending(tenantId, campaignId, new Date());
    if (!sending)
      throw new CampaignError(
        'CAMPAIGN_ALREADY_LAUNCHED',
        `campaign ${campaignId} was already launched`,
      );
    this.launcher.start(sending);
    return sending;
  }

  /**
   * paused → sending. Refused unless the guard would let the campaign go on
   * under the new limits and window: resuming into an immediate second pause
   * helps no one.
   */
  async resume(tenantId: string, campaignId: string, req: ResumeRequest): Promise<CampaignDoc> {
    const campaign = await this.get(tenantId, campaignId);
    if (campaign.status !== 'paused') {
      throw new CampaignError(
        'CAMPAIGN_NOT_PAUSED',
        `campaign ${campaignId} is not paused (status ${campaign.status})`,
      );
    }
    const limits = definedLimits(req.guard);
    const after = guardDecision(
      req.resetWindow ? ZERO_COUNTS : (campaign.guardCounts ?? ZERO_COUNTS),
      effectiveLimits({ ...campaign.guardLimits, ...limits }, this.guard.defaults),
    );
    if (after.pause) {
      const rate =
        after.reason === 'bounce_rate'
          ? `hard-bounce rate ${after.rates.hardBounceBasisPoints}`
          : `complaint rate ${after.rates.complaintBasisPoints}`;
      throw new CampaignError(
        'CAMPAIGN_GUARD_TRIPPED',
        `campaign ${campaignId} would be paused again: its ${rate} basis points is over the limit of ${after.limit}; reset the window or raise the limit`,
      );
    }
    const resumed = await this.campaigns.markResumed(tenantId, campaignId, {
      limits,
      resetWindow: req.resetWindow === true,
      at: new Date(),
    });
    if (!resumed)
      throw new CampaignError('CAMPAIGN_NOT_PAUSED', `campaign ${campaignId} is no longer paused`);
    this.launcher.start(resumed);
    return resumed;
  }

  /**
   * sending → paused by an operator. The launcher is halted first (a batch in
   * hand is produced and recorded), so once the pause is visible nothing more
   * is produced; resume() sends the rest.
   */
  async pause(tenantId: string, campaignId: string): Promise<CampaignDoc> {
    const campaign = await this.get(tenantId, campaignId);
    const notSending = (status: string) =>
      new CampaignError(
        'CAMPAIGN_NOT_SENDING',
        `campaign ${campaignId} is not sending (status ${status})`,
      );
    if (campaign.status !== 'sending') throw notSending(campaign.status);
    await this.launcher.halt(campaign._id);
    const paused = await this.campaigns.markPaused(campaign._id, 'operator', new Date());
    if (!paused) throw notSending((await this.get(tenantId, campaignId)).status);
    return paused;
  }

  async stats(tenantId: string, campaignId: string): Promise<CampaignStatsView> {
    const campaign = await this.get(tenantId, campaignId);
    const counts = await this.deliveries.counts(campaignId);
    return { campaignId, status: campaign.status, queued: campaign.recipientsQueued, ...counts };
  }

  private async requireList(tenantId: string, listId: string): Promise<void> {
    try {
      await unary(this.peers.list.getList.bind(this.peers.list), { tenantId, listId });
    } catch (e) {
      if (isGrpcError(e, GrpcStatus.NOT_FOUND) || isGrpcError(e, GrpcStatus.INVALID_ARGUMENT)) {
        throw new CampaignError('LIST_NOT_FOUND', `list ${listId} not found`);
      }
      throw peerFailure('list', e);
    }
  }

  private async callList<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      throw peerFailure('list', e);
    }
  }

  private async storeTemplate(
    tenantId: string,
    input: NewCampaign,
  ): Promise<{ templateId: string; version: number }> {
    try {
      const res = await unary(this.peers.render.putTemplate.bind(this.peers.render), {
        tenantId,
        templateId: '',
        name: input.name,
        subject: input.subject,
        html: input.html ?? '',
        mjml: input.mjml,
        text: input.text ?? '',
      });
      if (!res.template) throw new Error('render returned no template reference');
      return { templateId: res.template.templateId, version: res.template.version };
    } catch (e) {
      if (isGrpcError(e, GrpcStatus.INVALID_ARGUMENT))
        throw new CampaignError('TEMPLATE_INVALID', e.details);
      throw peerFailure('render', e);
    }
  }
}

/** The limits actually given (a DTO may carry undefined members); undefined when none. */
function definedLimits(limits?: Partial<GuardLimits>): Partial<GuardLimits> | undefined {
  if (!limits) return undefined;
  const given = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
  return Object.keys(given).length > 0 ? (given as Partial<GuardLimits>) : undefined;
}
