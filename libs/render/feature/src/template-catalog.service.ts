// The render service's view of its templates: saving checks a template compiles
// before it is stored, and loading hands out compiled versions from the LRU
// (versions are immutable, so the cache needs no invalidation).
import { Inject, Injectable } from '@nestjs/common';
import { TemplateRepository, type TemplateRecord } from '@postline/render/data-access';
import {
  checkTemplate,
  compileTemplate,
  RenderError,
  type CompiledTemplate,
} from '@postline/render/domain';
import { randomBytes } from 'node:crypto';
import { RENDER_SETTINGS, type RenderFeatureSettings } from './render-feature.settings';
import { TemplateCache } from './template.cache';

export interface TemplateDraft {
  tenantId: string;
  /** Empty: a new template id is generated. */
  templateId: string;
  name: string;
  subject: string;
  html: string;
  text: string;
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

  constructor(
    @Inject(TemplateRepository) private readonly repository: TemplateRepository,
    @Inject(RENDER_SETTINGS) private readonly settings: RenderFeatureSettings,
  ) {
    this.cache = new TemplateCache(settings.templateCacheSize);
  }

  /** Checks, then stores the draft as the next version of its template. */
  async save(draft: TemplateDraft): Promise<TemplateRecord> {
    const templateId = draft.templateId || `tpl_${randomBytes(8).toString('hex')}`;
    assertId('tenant_id', draft.tenantId);
    assertId('template_id', templateId);
    checkTemplate(draft);
    return this.repository.putTemplate({
      ...draft,
      templateId,
      name: draft.name || templateId,
    });
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
