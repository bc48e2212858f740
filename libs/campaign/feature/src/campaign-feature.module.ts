// Nest wiring of the campaign feature: repositories on the service's database,
// peer clients, REST and gRPC APIs, the launcher, the events consumer with the
// campaign guard, and the click/open tracking endpoints.
import { Module } from '@nestjs/common';
import { CampaignRepository, DeliveryRepository } from '@postline/campaign/data-access';
import { MONGO_CONNECTION } from '@postline/platform/mongo';
import type { Connection } from 'mongoose';
import { CampaignController } from './campaign.controller';
import { CampaignGrpcService } from './campaign.grpc';
import { CampaignGuard } from './campaign-guard.service';
import { CampaignLauncher } from './campaign-launcher';
import { CampaignService } from './campaign.service';
import { DeliveryEventsConsumer } from './delivery-events.consumer';
import { PeerClients } from './peer-clients';
import { TrackingController } from './tracking.controller';
import { TrackingHits } from './tracking-hits.service';

@Module({
  controllers: [CampaignController, TrackingController],
  providers: [
    {
      provide: CampaignRepository,
      inject: [MONGO_CONNECTION],
      useFactory: async (conn: Connection) => {
        const repo = new CampaignRepository(conn);
        await repo.init();
        return repo;
      },
    },
    {
      provide: DeliveryRepository,
      inject: [MONGO_CONNECTION],
      useFactory: async (conn: Connection) => {
        const repo = new DeliveryRepository(conn);
        await repo.init();
        return repo;
      },
    },
    PeerClients,
    CampaignLauncher,
    CampaignGuard,
    CampaignService,
    CampaignGrpcService,
    DeliveryEventsConsumer,
    TrackingHits,
  ],
})
export class CampaignFeatureModule {}
