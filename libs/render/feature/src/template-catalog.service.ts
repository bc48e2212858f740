// The render service's view of its templates: saving checks a template compiles
// before it is stored (compiling an MJML source to the HTML that is stored), and
// loading hands out compiled versions from the LRU (versions are immutable, so
// the cache needs no invalidation).
import { Inject, Injectable } from '@nestjs/common';
import { LOGGER } from '@postline/platform/http';
import { TemplateRepository, type TemplateRecord } from '@postline/render/data-access';
import {
  checkTemplate,
  compileTemplate,
  MjmlCompiler,
  RenderError,
  type CompiledTemplate,
  type TemplateSource,
} from '@postline/render/domain';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { RENDER_SETTINGS, type RenderFeatureSettings } from './render-feature.settings';
import { TemplateCache } from './template.cache';

export interface TemplateDraft {
  tenantId: string;
  /** Empty: a new template id is generated. */
  templateId: string;
  name: string;
  subject: string;
  /** Empty when `mjml` is given: the HTML is compiled from it. */
  html: string;
  text: string;
  /** MJML source; absent or empty for a template written in HTML. */
  mjml?: string;
}

export interface LoadedTemplate {
  record: TemplateRecord;
  compiled: CompiledTemplate;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Throws REQUEST_INVALID unless `value` is a usable tenant or template id. */
export function assertId(field: string, value: string): void {
  if (!ID.test(value)) {
    throw new RenderError(
      'REQUEST_INVALID',
      `${field} must be 1-128 characters of letters, digits, ".", "_" or "-"`,
    );
  }
}

@Injectable()
export class TemplateCatalog {
  private readonly cache: TemplateCache<LoadedTemplate>;
  private readonly mjml: MjmlCompiler;

  constructor(
    @Inject(TemplateRepository) private readonly repository: TemplateRepository,
    @Inject(RENDER_SETTINGS) private readonly settings: RenderFeatureSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.cache = new TemplateCache(settings.templateCacheSize);
    this.mjml = new MjmlCompiler(settings.mjml);
  }

  /** Checks, then stores the draft as the next version of its template. */
  async save(draft: TemplateDraft): Promise<TemplateRecord> {
    const templateId = draft.templateId || `tpl_${randomBytes(8).toString('hex')}`;
    assertId('tenant_id', draft.tenantId);
    assertId('template_id', templateId);
    const source = await this.sourceOf(draft);
    checkTemplate(source);
    const record = await this.repository.putTemplate({
      tenantId: draft.tenantId,
      templateId,
      name: draft.name || templateId,
      ...source,
      mjml: draft.mjml ?? '',
    });
    this.logger.info(
      {
        event: 'template_saved',
        tenantId: record.tenantId,
        templateId: record.templateId,
        version: record.version,
        format: record.mjml ? 'mjml' : 'html',
      },
      'template version saved',
    );
    return record;
  }

  /** The parts to check and store: an MJML source replaces the HTML with its compiled form. */
  private async sourceOf(draft: TemplateDraft): Promise<TemplateSource> {
    const { subject, html, text, mjml } = draft;
    if (!mjml) return { subject, html, text };
    if (html) {
      throw new RenderError(
        'TEMPLATE_INVALID',
        'html and mjml are exclusive: send the MJML source alone, the html is compiled from it',
      );
    }
    // Spare the compile when the template fails anyway.
    if (!subject.trim()) throw new RenderError('TEMPLATE_INVALID', 'subject is required');
    return { subject, html: await this.mjml.compile(mjml), text };
  }

  /** The stored version, uncompiled (operators' view). */
  async find(tenantId: string, templateId: string, version: number): Promise<TemplateRecord> {
    const record = await this.repository.getTemplate(tenantId, templateId, version);
    if (!record) throw notFound(tenantId, templateId, version);
    return record;
  }

  /** The compiled version; TEMPLATE_NOT_FOUND when it does not exist. Store errors propagate. */
  async load(tenantId: string, templateId: string, version: number): Promise<LoadedTemplate> {
    const key = TemplateCache.key(tenantId, templateId, version);
    const loaded = await this.cache.getOrLoad(key, async () => {
      const record = await this.repository.getTemplate(tenantId, templateId, version);
      if (!record) return undefined;
      return { record, compiled: compileTemplate(record, this.settings.maxPartBytes) };
    });
    if (!loaded) throw notFound(tenantId, templateId, version);
    return loaded;
  }
}

function notFound(tenantId: string, templateId: string, version: number): RenderError {
  return new RenderError(
    'TEMPLATE_NOT_FOUND',
    `template ${templateId} version ${version} does not exist for tenant ${tenantId}`,
  );
}
