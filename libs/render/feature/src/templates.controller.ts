// Operators' REST view of templates: save a new version (HTML or MJML), read a
// stored version, and preview what a version renders to for some merge data
// (nothing is sent or stored).
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  ParseIntPipe,
  Post,
} from '@nestjs/common';
import type { TemplateRecord } from '@postline/render/data-access';
import { RenderError, type RenderedContent } from '@postline/render/domain';
import { PreviewTemplateDto } from './dto/preview-template.dto';
import { CreateTemplateDto, SaveTemplateDto } from './dto/save-template.dto';
import { toHttpError } from './render-error.mapping';
import { assertId, TemplateCatalog } from './template-catalog.service';

const TENANT_HEADER = 'x-postline-tenant';
const versionPipe = new ParseIntPipe({ errorHttpStatusCode: 400 });

@Controller('v1/templates')
export class TemplatesController {
  constructor(@Inject(TemplateCatalog) private readonly catalog: TemplateCatalog) {}

  @Post()
  @HttpCode(201)
  async create(
    @Headers(TENANT_HEADER) tenant: string | undefined,
    @Body() body: CreateTemplateDto,
  ): Promise<TemplateRecord> {
    return this.save(tenant, body.templateId ?? '', body);
  }

  @Post(':templateId/versions')
  @HttpCode(201)
  async addVersion(
    @Headers(TENANT_HEADER) tenant: string | undefined,
    @Param('templateId') templateId: string,
    @Body() body: SaveTemplateDto,
  ): Promise<TemplateRecord> {
    return this.save(tenant, templateId, body);
  }

  @Get(':templateId/versions/:version')
  async get(
    @Headers(TENANT_HEADER) tenant: string | undefined,
    @Param('templateId') templateId: string,
    @Param('version', versionPipe) version: number,
  ): Promise<TemplateRecord> {
    try {
      return await this.catalog.find(...this.ref(tenant, templateId, version));
    } catch (e) {
      throw toHttpError(e);
    }
  }

  @Post(':templateId/versions/:version/preview')
  @HttpCode(200)
  async preview(
    @Headers(TENANT_HEADER) tenant: string | undefined,
    @Param('templateId') templateId: string,
    @Param('version', versionPipe) version: number,
    @Body() body: PreviewTemplateDto,
  ): Promise<RenderedContent> {
    try {
      const { compiled } = await this.catalog.load(...this.ref(tenant, templateId, version));
      return compiled.render(body.data ?? {});
    } catch (e) {
      throw toHttpError(e);
    }
  }

  private async save(
    tenant: string | undefined,
    templateId: string,
    body: SaveTemplateDto,
  ): Promise<TemplateRecord> {
    try {
      return await this.catalog.save({
        tenantId: tenant || 'default',
        templateId,
        name: body.name ?? '',
        subject: body.subject,
        html: body.html ?? '',
        text: body.text ?? '',
        mjml: body.mjml,
      });
    } catch (e) {
      throw toHttpError(e);
    }
  }

  private ref(
    tenant: string | undefined,
    templateId: string,
    version: number,
  ): [string, string, number] {
    const tenantId = tenant || 'default';
    assertId('tenant', tenantId);
    assertId('templateId', templateId);
    if (version < 1) throw new RenderError('REQUEST_INVALID', 'version must be 1 or more');
    return [tenantId, templateId, version];
  }
}
