// REST for a list's subscribers: single create (201, or a typed 4xx with
// nothing written), bulk create (200 with a per-row report), and keyset paging.
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import { BulkSubscribeService } from '../bulk-subscribe.service';
import { BulkSubscribeDto } from '../dto/bulk-subscribe.dto';
import { SubscriberDto } from '../dto/subscriber.dto';
import { SubscribersPageQuery } from '../dto/subscribers-page.query';
import { ListErrorsInterceptor } from '../list-errors.interceptor';
import type { BulkSubscribeResult, SubscribersPage, SubscriberView } from '../list.views';
import { SubscribeService } from '../subscribe.service';
import { SubscribersQueryService } from '../subscribers-query.service';
import { Tenant } from './tenant.decorator';

@Controller('v1/lists/:listId/subscribers')
@UseInterceptors(ListErrorsInterceptor)
export class SubscribersController {
  constructor(
    private readonly subscribe: SubscribeService,
    private readonly bulk: BulkSubscribeService,
    private readonly query: SubscribersQueryService,
  ) {}

  @Post()
  @HttpCode(201)
  create(
    @Tenant() tenantId: string,
    @Param('listId') listId: string,
    @Body() body: SubscriberDto,
  ): Promise<SubscriberView> {
    return this.subscribe.subscribe(tenantId, listId, { ...body });
  }

  @Post('bulk')
  @HttpCode(200)
  createMany(
    @Tenant() tenantId: string,
    @Param('listId') listId: string,
    @Body() body: BulkSubscribeDto,
  ): Promise<BulkSubscribeResult> {
    return this.bulk.run(tenantId, listId, body.subscribers);
  }

  @Get()
  page(
    @Tenant() tenantId: string,
    @Param('listId') listId: string,
    @Query() q: SubscribersPageQuery,
  ): Promise<SubscribersPage> {
    return this.query.page(tenantId, listId, q.limit ?? 100, q.after);
  }
}
