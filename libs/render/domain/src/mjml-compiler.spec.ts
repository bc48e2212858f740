import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MjmlCompiler } from './mjml-compiler';
import { runMjmlWorker, type MjmlOutcome } from './mjml-worker';
import { RenderError } from './render-errors';
import { compileTemplate, MAX_TEMPLATE_PART_BYTES } from './template-compiler';

async function errorOf(p: Promise<unknown>): Promise<RenderError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RenderError) return e;
    throw e;
  }
  throw new Error('expected a RenderError');
}

const doc = (body: string, head = '') =>
  `<mjml>\n<mj-head>${head}</mj-head>\n<mj-body>\n${body}\n</mj-body>\n</mjml>\n`;
const column = (content: string) =>
  `  <mj-section>\n    <mj-column>\n${content}\n    </mj-column>\n  </mj-section>`;

const NEWSLETTER = doc(
  [
    column(
      [
        '      <mj-text>Hello {{default first_name "friend"}} &amp; welcome</mj-text>',
        '      <mj-text>{{#if vip}}<b>VIP offer</b> for {{first_name}}{{else}}Regular news{{/if}}</mj-text>',
        '      <mj-text>{{#each items}}<p>Item {{this.name}}</p>{{/each}}</mj-text>',
        '      <mj-button href="{{unsubscribe_url}}">Unsubscribe</mj-button>',
      ].join('\n'),
    ),
    '  <mj-raw>{{#if promo}}</mj-raw>',
    column('      <mj-text>Promo code {{promo}}</mj-text>'),
    '  <mj-raw>{{/if}}</mj-raw>',
  ].join('\n'),
  '<mj-title>News for {{first_name}}</mj-title>',
);

describe('MJML compile at save time', () => {
  const compiler = new MjmlCompiler();

  it('compiles MJML to HTML that keeps the text and every merge tag', async () => {
    const html = await compiler.compile(NEWSLETTER);
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('Hello {{default first_name "friend"}} &amp; welcome');
    expect(html).toContain(
      '{{#if vip}}<b>VIP offer</b> for {{first_name}}{{else}}Regular news{{/if}}',
    );
    expect(html).toContain('{{#each items}}<p>Item {{this.name}}</p>{{/each}}');
    expect(html).toContain('href="{{unsubscribe_url}}"');
    expect(html).toContain('<title>News for {{first_name}}</title>');
  });

  it('keeps {{#if}} blocks working in the compiled HTML, inside text and around sections', async () => {
    const template = compileTemplate({
      subject: 'News',
      html: await compiler.compile(NEWSLETTER),
      text: '',
    });
    const vip = template.render({
      first_name: 'Ada',
      vip: true,
      items: [{ name: 'one' }, { name: 'two' }],
      promo: 'SAVE10',
    }).html;
    expect(vip).toContain('Hello Ada &amp; welcome');
    expect(vip).toContain('<b>VIP offer</b> for Ada');
    expect(vip).not.toContain('Regular news');
    expect(vip).toContain('<p>Item one</p><p>Item two</p>');
    expect(vip).toContain('Promo code SAVE10');
    expect(vip).not.toContain('{{');

    const regular = template.render({ vip: false, items: [] }).html;
    expect(regular).toContain('Hello friend &amp; welcome');
    expect(regular).toContain('Regular news');
    expect(regular).not.toContain('VIP offer');
    expect(regular).not.toContain('Promo code');
  });

  it('refuses an unknown element with the line, the column and the tag', async () => {
    const source = doc(column('      <mj-text>ok</mj-text>\n      <mj-foo>bad</mj-foo>'));
    const err = await errorOf(compiler.compile(source));
    expect(err.code).toBe('TEMPLATE_MJML_INVALID');
    expect(err.message).toMatch(/^mjml: invalid MJML: line 7, column 7 <mj-foo>: Element mj-foo/);
    expect(err.location).toEqual({ line: 7, column: 7 });
  });

  it('gives the line only when the faulty tag opens more than once on that line', async () => {
    const source = doc(column('<mj-text>a</mj-text><mj-text colour="red">b</mj-text>'));
    const err = await errorOf(compiler.compile(source));
    expect(err.code).toBe('TEMPLATE_MJML_INVALID');
    expect(err.message).toContain('line 6 <mj-text>: Attribute colour is illegal');
    expect(err.location).toEqual({ line: 6 });
  });

  it('lists several validation errors in one message', async () => {
    const source = doc('  <mj-text>not in a column</mj-text>\n  <mj-bogus></mj-bogus>');
    const err = await errorOf(compiler.compile(source));
    expect(err.message).toMatch(
      /line 4, column 3 <mj-text>: mj-text cannot be used inside mj-body/,
    );
    expect(err.message).toMatch(/; line 5, column 3 <mj-bogus>: Element mj-bogus/);
  });

  it('refuses a source that is not an MJML document', async () => {
    const err = await errorOf(
      compiler.compile('<mj-body><mj-section><mj-column></mj-column></mj-section></mj-body>'),
    );
    expect(err.code).toBe('TEMPLATE_MJML_INVALID');
    expect(err.message).toMatch(/^mjml: not an MJML document: .*<mjml>/);
  });

  it('locates merge-tag syntax errors in the MJML source, not in the generated HTML', async () => {
    const source = doc(column('      <mj-text>Hello {{first_name}</mj-text>'));
    const err = await errorOf(compiler.compile(source));
    expect(err.code).toBe('TEMPLATE_SYNTAX');
    expect(err.message).toMatch(/^mjml: syntax error at line 6, column \d+/);
    expect(err.location?.line).toBe(6);
  });

  it('refuses a template whose block helper MJML would drop (text between elements)', async () => {
    const source = doc(column('      {{#if vip}}\n      <mj-text>VIP</mj-text>\n      {{/if}}'));
    const err = await errorOf(compiler.compile(source));
    expect(err.code).toBe('TEMPLATE_MJML_INVALID');
    expect(err.message).toMatch(/^mjml: the merge tag \{\{#if vip\}\} at line 6, column 7 is lost/);
    expect(err.message).toContain('<mj-raw>');
    expect(err.location).toEqual({ line: 6, column: 7 });
  });

  it('refuses a merge tag in inlined CSS, which MJML drops', async () => {
    const source = doc(
      column('      <mj-text css-class="brand">Hi</mj-text>'),
      '<mj-style inline="inline">.brand { color: {{brand_color}}; }</mj-style>',
    );
    const err = await errorOf(compiler.compile(source));
    expect(err.code).toBe('TEMPLATE_MJML_INVALID');
    expect(err.message).toContain('{{brand_color}}');
  });

  it('refuses mj-include wherever it appears, without compiling', async () => {
    const run = jest.fn<Promise<MjmlOutcome>, [string, number]>();
    const guarded = new MjmlCompiler(undefined, run);
    for (const [source, location] of [
      [doc('  <mj-include path="/etc/passwd" />'), { line: 4, column: 3 }],
      [doc('<MJ-INCLUDE path="/etc/hostname" type="html"/>'), { line: 4, column: 1 }],
      [
        '<mjml><mj-body><!-- <mj-include path="x.mjml"/> --></mj-body></mjml>',
        { line: 1, column: 21 },
      ],
    ] as const) {
      const err = await errorOf(guarded.compile(source));
      expect(err.code).toBe('TEMPLATE_UNSUPPORTED');
      expect(err.message).toMatch(/^mjml: <mj-include> is not supported \(line \d+, column \d+\)/);
      expect(err.location).toEqual(location);
    }
    expect(run).not.toHaveBeenCalled();
  });

  it('never reads an included file even when the refusal is bypassed (the parser ignores includes)', async () => {
    // Under the working directory and named relatively: where MJML itself would
    // allow an include, so only render's options keep the file out.
    const dir = mkdtempSync(join(process.cwd(), '.run-mjml-include-'));
    try {
      const secret = join(dir, 'secret.mjml');
      writeFileSync(
        secret,
        '<mj-section><mj-column><mj-text>TOP-SECRET-42</mj-text></mj-column></mj-section>',
      );
      const css = join(dir, 'secret.css');
      writeFileSync(css, '.leak { color: #424242; }');
      const [secretPath, cssPath] = [secret, css].map((f) => relative(process.cwd(), f));
      const outcome = await runMjmlWorker(
        doc(
          `  <mj-include path="${secretPath}" />\n  <mj-include path="${secretPath}" type="html" />\n  <mj-include path="${cssPath}" type="css" />`,
        ),
        30000,
      );
      expect(outcome.kind).toBe('compiled');
      const html = outcome.kind === 'compiled' ? outcome.html : '';
      expect(html).not.toContain('TOP-SECRET-42');
      expect(html).not.toContain('#424242');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a source over the size limit before compiling it', async () => {
    const run = jest.fn<Promise<MjmlOutcome>, [string, number]>();
    const small = new MjmlCompiler({ maxSourceBytes: 2048, timeoutMs: 5000 }, run);
    const source = doc(column(`      <mj-text>${'é'.repeat(1024)}</mj-text>`));
    const err = await errorOf(small.compile(source));
    expect(err.code).toBe('TEMPLATE_INVALID');
    expect(err.message).toBe(
      `mjml: the source is ${Buffer.byteLength(source)} bytes, over the limit of 2048 bytes`,
    );
    expect(run).not.toHaveBeenCalled();
  });

  it('refuses MJML whose compiled HTML is too big to store', async () => {
    const huge = 'x'.repeat(MAX_TEMPLATE_PART_BYTES + 1);
    const bloated = new MjmlCompiler(undefined, async () => ({ kind: 'compiled', html: huge }));
    const err = await errorOf(bloated.compile(NEWSLETTER));
    expect(err.code).toBe('TEMPLATE_INVALID');
    expect(err.message).toMatch(/^mjml: compiles to \d+ bytes of HTML, over the limit/);
  });

  it('stops a compile that runs past the time limit and says so', async () => {
    // Starting a thread and loading MJML alone takes far longer than 1 ms.
    const hurried = new MjmlCompiler({ maxSourceBytes: 512 * 1024, timeoutMs: 1 });
    const err = await errorOf(hurried.compile(NEWSLETTER));
    expect(err.code).toBe('TEMPLATE_INVALID');
    expect(err.message).toMatch(/^mjml: compiling took longer than 1 ms/);
  });
});
