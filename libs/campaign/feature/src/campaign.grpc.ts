// gRPC CampaignService: the same operations as REST, for other services and tools.
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { CampaignDoc } from '@postline/campaign/data-access';
import { campaignV1, serviceProtoFiles } from '@postline/contracts';
import { answerUnary, GrpcServices } from '@postline/platform/grpc';
import { CampaignGuard } from './campaign-guard.service';
import { CampaignService } from './campaign.service';
import { toProto } from './campaign-view';
import { CreateCampaignDto } from './dto/create-campaign.dto';
import { ResumeCampaignDto } from './dto/resume-campaign.dto';
import { toGrpcError } from './grpc-errors';
import { validated } from './grpc-validation';

function handle<Req, Res>(work: (req: Req) => Promise<Res>) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) =>
    answerUnary(call, callback, work, toGrpcError);
}

/** The limits given (proto3 optional fields: absent ones stay out). */
function guardLimits(limits: campaignV1.GuardLimits): Record<string, number> {
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
}

@Injectable()
export class CampaignGrpcService implements OnModuleInit {
  constructor(
    private readonly grpc: GrpcServices,
    private readonly campaigns: CampaignService,
    private readonly guard: CampaignGuard,
  ) {}

  onModuleInit(): void {
    const proto = (c: CampaignDoc) => toProto(c, this.guard.defaults);
    const implementation: campaignV1.CampaignServiceServer = {
      createCampaign: handle(async (req: campaignV1.CreateCampaignRequest) => {
        // proto3 cannot leave a string or number out: empty and 0 mean "not given".
        const input = await validated(CreateCampaignDto, {
          name: req.name,
          listId: req.listId,
          subject: req.subject,
          html: req.html || undefined,
          mjml: req.mjml,
          text: req.text || undefined,
          fromAddress: req.fromAddress,
          fromName: req.fromName || undefined,
          sendRatePerSecond: req.sendRatePerSecond || undefined,
          // optional in the proto: unset stays undefined, and the service's default (true) applies.
          trackClicks: req.trackClicks,
          trackOpens: req.trackOpens,
          guard: req.guard && guardLimits(req.guard),
        });
        return { campaign: proto(await this.campaigns.create(req.tenantId || 'default', input)) };
      }),
      launchCampaign: handle(async (req: campaignV1.LaunchCampaignRequest) => ({
        campaign: proto(await this.campaigns.launch(req.tenantId || 'default', req.campaignId)),
      })),
      resumeCampaign: handle(async (req: campaignV1.ResumeCampaignRequest) => {
        const input = await validated(ResumeCampaignDto, {
          resetWindow: req.resetWindow,
          guard: req.guard && guardLimits(req.guard),
        });
        return {
          campaign: proto(
            await this.campaigns.resume(req.tenantId || 'default', req.campaignId, input),
          ),
        };
      }),
      pauseCampaign: handle(async (req: campaignV1.PauseCampaignRequest) => ({
        campaign: proto(await this.campaigns.pause(req.tenantId || 'default', req.campaignId)),
      })),
      getCampaignStats: handle(async (req: campaignV1.GetCampaignStatsRequest) => {
        const { status: _status, ...counts } = await this.campaigns.stats(
          req.tenantId || 'default',
          req.campaignId,
        );
        return { stats: campaignV1.CampaignStats.fromPartial(counts) };
      }),
    };
    this.grpc.register({
      name: 'postline.campaign.v1.CampaignService',
      definition: campaignV1.CampaignServiceService,
      implementation,
      protoFile: serviceProtoFiles.campaign,
    });
  }
}
