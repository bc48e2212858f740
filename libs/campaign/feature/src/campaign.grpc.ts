// gRPC CampaignService: the same operations as REST, for other services and tools.
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { campaignV1, serviceProtoFiles } from '@postline/contracts';
import { GrpcServices } from '@postline/platform/grpc';
import { CampaignService } from './campaign.service';
import { toProto } from './campaign-view';
import { toGrpcError } from './grpc-errors';

function handle<Req, Res>(work: (req: Req) => Promise<Res>) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    work(call.request).then(
      (res) => callback(null, res),
      (e) => callback(toGrpcError(e)),
    );
  };
}

@Injectable()
export class CampaignGrpcService implements OnModuleInit {
  constructor(
    private readonly grpc: GrpcServices,
    private readonly campaigns: CampaignService,
  ) {}

  onModuleInit(): void {
    const implementation: campaignV1.CampaignServiceServer = {
      createCampaign: handle(async (req: campaignV1.CreateCampaignRequest) => ({
        campaign: toProto(
          await this.campaigns.create(req.tenantId || 'default', {
            name: req.name,
            listId: req.listId,
            subject: req.subject,
            html: req.html,
            text: req.text || undefined,
            fromAddress: req.fromAddress,
            fromName: req.fromName,
            sendRatePerSecond: req.sendRatePerSecond || undefined,
          }),
        ),
      })),
      launchCampaign: handle(async (req: campaignV1.LaunchCampaignRequest) => ({
        campaign: toProto(await this.campaigns.launch(req.tenantId || 'default', req.campaignId)),
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
