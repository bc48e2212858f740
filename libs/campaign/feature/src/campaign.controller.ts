// REST API of the campaign service (/v1/campaigns). Tenant from the
// x-postline-tenant header; errors from the catalogue become 4xx with their code.
import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import type { CampaignDoc } from '@postline/campaign/data-access';
import { CampaignError } from '@postline/campaign/domain';
import { DomainError } from '@postline/platform/http';
import { CreateCampaignDto } from './dto/create-campaign.dto';
import { ResumeCampaignDto } from './dto/resume-campaign.dto';
import { CampaignGuard } from './campaign-guard.service';
import { CampaignService, type CampaignStatsView } from './campaign.service';
import { toView, type CampaignView } from './campaign-view';

const TENANT = /^[A-Za-z0-9_-]{1,64}$/;

export function tenantOf(header: string | undefined): string {
  const tenant = header ?? 'default';
  if (!TENANT.test(tenant))
    throw new DomainError(
      400,
      'INVALID_TENANT',
      'x-postline-tenant must be 1-64 letters, digits, "-" or "_"',
    );
  return tenant;
}

async function mapErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof CampaignError) throw new DomainError(e.status, e.code, e.message);
    throw e;
  }
}

@Controller('v1/campaigns')
export class CampaignController {
  constructor(
    private readonly campaigns: CampaignService,
    private readonly guard: CampaignGuard,
  ) {}

  private view(c: CampaignDoc): CampaignView {
    return toView(c, this.guard.defaults);
  }

  @Post()
  async create(
    @Headers('x-postline-tenant') tenant: string | undefined,
    @Body() body: CreateCampaignDto,
  ): Promise<CampaignView> {
    return this.view(await mapErrors(() => this.campaigns.create(tenantOf(tenant), body)));
  }

  @Get(':campaignId')
  async get(
    @Headers('x-postline-tenant') tenant: string | undefined,
    @Param('campaignId') id: string,
  ): Promise<CampaignView> {
    return this.view(await mapErrors(() => this.campaigns.get(tenantOf(tenant), id)));
  }

  @Post(':campaignId/launch')
  @HttpCode(202)
  async launch(
    @Headers('x-postline-tenant') tenant: string | undefined,
    @Param('campaignId') id: string,
  ): Promise<CampaignView> {
    return this.view(await mapErrors(() => this.campaigns.launch(tenantOf(tenant), id)));
  }

  /** Stops a sending campaign where it is; 409 unless it is sending. */
  @Post(':campaignId/pause')
  @HttpCode(200)
  async pause(
    @Headers('x-postline-tenant') tenant: string | undefined,
    @Param('campaignId') id: string,
  ): Promise<CampaignView> {
    return this.view(await mapErrors(() => this.campaigns.pause(tenantOf(tenant), id)));
  }

  /** Sends a paused campaign again; 409 unless the guard would let it go on. */
  @Post(':campaignId/resume')
  @HttpCode(200)
  async resume(
    @Headers('x-postline-tenant') tenant: string | undefined,
    @Param('campaignId') id: string,
    @Body() body: ResumeCampaignDto,
  ): Promise<CampaignView> {
    return this.view(await mapErrors(() => this.campaigns.resume(tenantOf(tenant), id, body)));
  }

  @Get(':campaignId/stats')
  async stats(
    @Headers('x-postline-tenant') tenant: string | undefined,
    @Param('campaignId') id: string,
  ): Promise<CampaignStatsView> {
    return mapErrors(() => this.campaigns.stats(tenantOf(tenant), id));
  }
}
