import { createLogger } from '@postline/platform/logging';
import type { NewTemplate, TemplateRecord, TemplateRepository } from '@postline/render/data-access';
import { DEFAULT_MJML_LIMITS, RenderError } from '@postline/render/domain';
import type { RenderFeatureSettings } from './render-feature.settings';
import { TemplateCatalog, type TemplateDraft } from './template-catalog.service';

function setup() {
  const stored: TemplateRecord[] = [];
  const repository = {
    putTemplate: async (t: NewTemplate) => {
      const record = { ...t, version: stored.length + 1, createdAt: new Date() };
      stored.push(record);
      return record;
    },
    getTemplate: async (_t: string, templateId: string, version: number) =>
      stored.find((r) => r.templateId === templateId && r.version === version),
  } as unknown as TemplateRepository;
  const settings = {
    templateCacheSize: 10,
    maxPartBytes: 1 << 20,
    mjml: DEFAULT_MJML_LIMITS,
  } as RenderFeatureSettings;
  const logger = createLogger({ service: 'render', level: 'silent' });
  return { stored, catalog: new TemplateCatalog(repository, settings, logger) };
}

const draft = (over: Partial<TemplateDraft>): TemplateDraft => ({
  tenantId: 't1',
  templateId: 'welcome',
  name: '',
  subject: 'Hi {{first_name}}',
  html: '',
  text: '',
  ...over,
});

const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hello {{first_name}}{{#if vip}}, VIP{{/if}}</mj-text>
</mj-column></mj-section></mj-body></mjml>`;

async function errorOf(p: Promise<unknown>): Promise<RenderError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (e instanceof RenderError) return e;
  throw new Error(`expected a RenderError, got ${String(e)}`);
}

describe('template catalogue saves', () => {
  it('stores the HTML compiled from MJML beside its source, and renders the HTML', async () => {
    const { catalog, stored } = setup();
    const record = await catalog.save(draft({ mjml: MJML }));
    expect(record).toMatchObject({ templateId: 'welcome', version: 1, mjml: MJML, text: '' });
    expect(record.html).toMatch(/^<!doctype html>/i);
    expect(record.html).toContain('Hello {{first_name}}{{#if vip}}, VIP{{/if}}');
    expect(stored).toHaveLength(1);

    const { compiled } = await catalog.load('t1', 'welcome', 1);
    const out = compiled.render({ first_name: 'Ada', vip: true });
    expect(out.html).toContain('Hello Ada, VIP');
    expect(out.text).toBe('Hello Ada, VIP');
  });

  it('stores an empty mjml for a template saved as HTML', async () => {
    const { catalog } = setup();
    const record = await catalog.save(draft({ html: '<p>{{first_name}}</p>' }));
    expect(record).toMatchObject({ html: '<p>{{first_name}}</p>', mjml: '' });
  });

  it('refuses html and mjml together, and stores nothing', async () => {
    const { catalog, stored } = setup();
    const err = await errorOf(catalog.save(draft({ html: '<p>x</p>', mjml: MJML })));
    expect(err.code).toBe('TEMPLATE_INVALID');
    expect(err.message).toMatch(/^html and mjml are exclusive/);
    expect(stored).toHaveLength(0);
  });

  it('refuses MJML that does not validate, and stores nothing', async () => {
    const { catalog, stored } = setup();
    const err = await errorOf(
      catalog.save(draft({ mjml: '<mjml>\n<mj-body>\n<mj-nope/>\n</mj-body>\n</mjml>' })),
    );
    expect(err.code).toBe('TEMPLATE_MJML_INVALID');
    expect(err.message).toContain('line 3, column 1 <mj-nope>');
    expect(stored).toHaveLength(0);
  });

  it('refuses an MJML template without a subject before compiling it', async () => {
    const { catalog } = setup();
    const err = await errorOf(catalog.save(draft({ subject: ' ', mjml: '<mjml>' })));
    expect(err.code).toBe('TEMPLATE_INVALID');
    expect(err.message).toBe('subject is required');
  });
});
