// REST for saved segments of a list (create, list, read, change, delete) and
// their recipient counts; an expression can be counted before it is saved.
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  UseInterceptors,
} from '@nestjs/common';
import { CreateSegmentDto, SegmentExpressionDto, UpdateSegmentDto } from '../dto/segment.dto';
import { ListErrorsInterceptor } from '../list-errors.interceptor';
import { RecipientsService } from '../recipients.service';
import { SegmentsService, type SegmentView } from '../segment/segments.service';
import { Tenant } from './tenant.decorator';

@Controller('v1')
@UseInterceptors(ListErrorsInterceptor)
export class SegmentsController {
  constructor(
    private readonly segments: SegmentsService,
    private readonly recipients: RecipientsService,
  ) {}

  @Post('lists/:listId/segments')
  @HttpCode(201)
  create(
    @Tenant() tenantId: string,
    @Param('listId') listId: string,
    @Body() body: CreateSegmentDto,
  ): Promise<SegmentView> {
    return this.segments.create(tenantId, listId, body);
  }

  @Get('lists/:listId/segments')
  async ofList(
    @Tenant() tenantId: string,
    @Param('listId') listId: string,
  ): Promise<{ items: SegmentView[] }> {
    return { items: await this.segments.ofList(tenantId, listId) };
  }

  /** Recipients an expression selects now, before saving it. */
  @Post('lists/:listId/segments/count')
  @HttpCode(200)
  countExpression(
    @Tenant() tenantId: string,
    @Param('listId') listId: string,
    @Body() body: SegmentExpressionDto,
  ): Promise<{ recipients: number }> {
    return this.count(tenantId, { listId, segmentId: '', expression: body.expression });
  }

  @Get('segments/:segmentId')
  get(@Tenant() tenantId: string, @Param('segmentId') segmentId: string): Promise<SegmentView> {
    return this.segments.get(tenantId, segmentId);
  }

  @Patch('segments/:segmentId')
  update(
    @Tenant() tenantId: string,
    @Param('segmentId') segmentId: string,
    @Body() body: UpdateSegmentDto,
  ): Promise<SegmentView> {
    return this.segments.update(tenantId, segmentId, body);
  }

  @Delete('segments/:segmentId')
  @HttpCode(204)
  delete(@Tenant() tenantId: string, @Param('segmentId') segmentId: string): Promise<void> {
    return this.segments.delete(tenantId, segmentId);
  }

  @Get('segments/:segmentId/count')
  countSaved(
    @Tenant() tenantId: string,
    @Param('segmentId') segmentId: string,
  ): Promise<{ recipients: number }> {
    return this.count(tenantId, { listId: '', segmentId, expression: '' });
  }

  private async count(
    tenantId: string,
    target: { listId: string; segmentId: string; expression: string },
  ): Promise<{ recipients: number }> {
    const { list, segment } = await this.segments.resolve(tenantId, target);
    return { recipients: await this.recipients.count(tenantId, list._id, segment) };
  }
}
