// REST for CSV imports: POST streams the request body (the file) through the
// import and answers 201 with the finished job's report; while it runs, GET
// /v1/imports/:id and GET /v1/lists/:listId/imports show its progress.
import {
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import { parseObjectId } from '@postline/list/data-access';
import { ListError, ListErrorCode } from '@postline/list/domain';
import type { Request, Response } from 'express';
import { ImportQuery } from '../dto/import.query';
import { checkImportContentType } from '../import/import-content-type';
import { CsvImportService } from '../import/csv-import.service';
import { importView, type ImportView } from '../import/import.view';
import { ListErrorsInterceptor } from '../list-errors.interceptor';
import { clip } from '../lists.service';
import { Tenant } from './tenant.decorator';

/** Imports listed per list (newest first). */
const LIST_IMPORTS_LIMIT = 50;

@Controller('v1')
@UseInterceptors(ListErrorsInterceptor)
export class ImportsController {
  constructor(private readonly imports: CsvImportService) {}

  @Post('lists/:listId/imports')
  @HttpCode(201)
  async upload(
    @Tenant() tenantId: string,
    @Param('listId') listId: string,
    @Query() query: ImportQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ImportView> {
    checkImportContentType(req.headers['content-type']);
    const prepared = await this.imports.prepare(tenantId, listId, query.mapping);
    const view = await this.imports.run(prepared, req);
    res.location(`/v1/imports/${view.id}`);
    return view;
  }

  @Get('imports/:importId')
  async get(@Tenant() tenantId: string, @Param('importId') importId: string): Promise<ImportView> {
    const id = parseObjectId(importId);
    if (!id)
      throw new ListError(
        ListErrorCode.InvalidId,
        `import id "${clip(importId)}" is not a valid id (24 hexadecimal characters)`,
      );
    const job = await this.imports.find(tenantId, id);
    if (!job) throw new ListError(ListErrorCode.NotFound, `import ${id.toHexString()} not found`);
    return importView(job, new Date());
  }

  @Get('lists/:listId/imports')
  async ofList(
    @Tenant() tenantId: string,
    @Param('listId') listId: string,
  ): Promise<{ items: ImportView[] }> {
    const jobs = await this.imports.ofList(tenantId, listId, LIST_IMPORTS_LIMIT);
    const now = new Date();
    return { items: jobs.map((j) => importView(j, now)) };
  }
}
