// REST for GDPR requests about one subscriber of the tenant: access (export of
// everything held) and erasure (which must be asked for explicitly).
import { Controller, Delete, Get, HttpCode, Param, Query, UseInterceptors } from '@nestjs/common';
import { ListError, ListErrorCode } from '@postline/list/domain';
import { EraseQuery } from '../dto/erase.query';
import { ListErrorsInterceptor } from '../list-errors.interceptor';
import type { ErasureResult, SubscriberExport } from '../privacy/subscriber-export';
import { SubscriberPrivacyService } from '../privacy/subscriber-privacy.service';
import { Tenant } from './tenant.decorator';

@Controller('v1/subscribers')
@UseInterceptors(ListErrorsInterceptor)
export class SubscriberPrivacyController {
  constructor(private readonly privacy: SubscriberPrivacyService) {}

  @Get(':subscriberId/export')
  export(
    @Tenant() tenantId: string,
    @Param('subscriberId') subscriberId: string,
  ): Promise<SubscriberExport> {
    return this.privacy.export(tenantId, subscriberId);
  }

  @Delete(':subscriberId')
  @HttpCode(200)
  erase(
    @Tenant() tenantId: string,
    @Param('subscriberId') subscriberId: string,
    @Query() q: EraseQuery,
  ): Promise<ErasureResult> {
    if (q.erase !== 'true') {
      throw new ListError(
        ListErrorCode.EraseRequired,
        'deleting a subscriber erases it for good (GDPR): repeat with ?erase=true',
      );
    }
    return this.privacy.erase(tenantId, subscriberId);
  }
}
