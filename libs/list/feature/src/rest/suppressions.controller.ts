// REST for the tenant's suppression list: add (201 new, 200 when already
// suppressed), page through, check one address, remove by id.
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import type { Response } from 'express';
import {
  SuppressionCheckQuery,
  SuppressionDto,
  SuppressionsPageQuery,
} from '../dto/suppression.dto';
import { ListErrorsInterceptor } from '../list-errors.interceptor';
import type { SuppressionView } from '../suppression/suppression-doc';
import {
  SuppressionsService,
  type SuppressionCheck,
  type SuppressionsPage,
} from '../suppression/suppressions.service';
import { Tenant } from './tenant.decorator';

@Controller('v1/suppressions')
@UseInterceptors(ListErrorsInterceptor)
export class SuppressionsController {
  constructor(private readonly suppressions: SuppressionsService) {}

  @Post()
  async add(
    @Tenant() tenantId: string,
    @Body() body: SuppressionDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SuppressionView> {
    const { created, entry } = await this.suppressions.add(tenantId, { ...body });
    res.status(created ? 201 : 200);
    return entry;
  }

  @Get()
  page(@Tenant() tenantId: string, @Query() q: SuppressionsPageQuery): Promise<SuppressionsPage> {
    return this.suppressions.page(tenantId, q.limit ?? 100, q.after, q.reason);
  }

  @Get('check')
  check(@Tenant() tenantId: string, @Query() q: SuppressionCheckQuery): Promise<SuppressionCheck> {
    return this.suppressions.check(tenantId, q.address);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Tenant() tenantId: string, @Param('id') id: string): Promise<void> {
    await this.suppressions.remove(tenantId, id);
  }
}
