// REST for lists: operators and tests create lists and read their size.
import { Body, Controller, Get, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { CreateListDto } from '../dto/create-list.dto';
import { ListErrorsInterceptor } from '../list-errors.interceptor';
import type { ListDetailsView, ListView } from '../list.views';
import { ListsService } from '../lists.service';
import { Tenant } from './tenant.decorator';

@Controller('v1/lists')
@UseInterceptors(ListErrorsInterceptor)
export class ListsController {
  constructor(private readonly lists: ListsService) {}

  @Post()
  @HttpCode(201)
  create(@Tenant() tenantId: string, @Body() body: CreateListDto): Promise<ListView> {
    return this.lists.create(tenantId, body.name, body.optin);
  }

  @Get(':listId')
  get(@Tenant() tenantId: string, @Param('listId') listId: string): Promise<ListDetailsView> {
    return this.lists.details(tenantId, listId);
  }
}
