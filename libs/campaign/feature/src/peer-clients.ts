// gRPC clients of the services the campaign service depends on (list for
// recipients, render for templates), with their health in /readyz.
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { listV1, renderV1 } from '@postline/contracts';
import { checkGrpcHealth, createGrpcClient } from '@postline/platform/grpc';
import { CONFIG, READINESS, type ReadinessRegistry } from '@postline/platform/http';
import type { CampaignFeatureConfig } from './campaign-feature.config';

@Injectable()
export class PeerClients implements OnModuleInit, OnApplicationShutdown {
  readonly list: listV1.ListServiceClient;
  readonly render: renderV1.RenderServiceClient;

  constructor(
    @Inject(CONFIG) private readonly config: CampaignFeatureConfig,
    @Inject(READINESS) private readonly readiness: ReadinessRegistry,
  ) {
    this.list = createGrpcClient(listV1.ListServiceClient, config.POSTLINE_LIST_GRPC_ADDRESS);
    this.render = createGrpcClient(
      renderV1.RenderServiceClient,
      config.POSTLINE_RENDER_GRPC_ADDRESS,
    );
  }

  onModuleInit(): void {
    this.readiness.add('grpc:list', () =>
      checkGrpcHealth(this.config.POSTLINE_LIST_GRPC_ADDRESS, 'postline.list.v1.ListService'),
    );
    this.readiness.add('grpc:render', () =>
      checkGrpcHealth(this.config.POSTLINE_RENDER_GRPC_ADDRESS, 'postline.render.v1.RenderService'),
    );
  }

  onApplicationShutdown(): void {
    this.list.close();
    this.render.close();
  }
}
