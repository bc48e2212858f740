import { MERGE_DATA_LIMITS } from './merge-data';
import { DEFAULT_MAX_RENDER_STEPS } from './render-budget';
import { RenderError } from './render-errors';
import { checkTemplate, compileTemplate, type TemplateSource } from './template-compiler';

const tpl = (over: Partial<TemplateSource>): TemplateSource => ({
  subject: 'Hello',
  html: '<p>Hi</p>',
  text: '',
  ...over,
});

function errorOf(fn: () => unknown): RenderError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RenderError) return e;
    throw e;
  }
  throw new Error('expected a RenderError');
}

describe('template compilation', () => {
  it('renders personalised subject, html and text for the given data', () => {
    const t = compileTemplate({
      subject: 'Welcome, {{default first_name "friend"}}!',
      html: '<p>Hello {{first_name}} ({{subscriber.email}})</p>{{#if vip}}<b>VIP</b>{{/if}}',
      text: 'Hello {{first_name}}{{#each tags}} #{{this}}{{/each}}',
    });
    const out = t.render({
      first_name: 'Ada',
      subscriber: { email: 'ada@example.test' },
      vip: true,
      tags: ['a', 'b'],
    });
    expect(out).toEqual({
      subject: 'Welcome, Ada!',
      html: '<p>Hello Ada (ada@example.test)</p><b>VIP</b>',
      text: 'Hello Ada #a #b',
    });
  });

  it('falls back through the default helper when the value is missing or empty', () => {
    const t = compileTemplate(tpl({ subject: 'Hi {{default first_name "friend"}}' }));
    expect(t.render({}).subject).toBe('Hi friend');
    expect(t.render({ first_name: '' }).subject).toBe('Hi friend');
    expect(t.render({ first_name: 'Bo' }).subject).toBe('Hi Bo');
  });

  it('renders missing values as empty strings (strict off)', () => {
    expect(compileTemplate(tpl({ subject: 'Hi {{nobody.knows}}!' })).render({}).subject).toBe(
      'Hi !',
    );
  });

  it('escapes merge values in HTML but not in subject or text', () => {
    const t = compileTemplate({
      subject: 'Re: {{v}}',
      html: '<p title="{{v}}">{{v}}</p>',
      text: 'Plain {{v}}',
    });
    const out = t.render({ v: `<script>alert("x")</script> & 'q'` });
    expect(out.html).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;</p>',
    );
    expect(out.subject).toBe(`Re: <script>alert("x")</script> & 'q'`);
    expect(out.text).toBe(`Plain <script>alert("x")</script> & 'q'`);
  });

  it('escapes the default helper output in HTML', () => {
    const t = compileTemplate(tpl({ html: '<p>{{default name "<none>"}}</p>' }));
    expect(t.render({ name: '<i>x</i>' }).html).toBe('<p>&lt;i&gt;x&lt;/i&gt;</p>');
    expect(t.render({}).html).toBe('<p>&lt;none&gt;</p>');
  });

  it('derives the text part from the rendered HTML when there is no text template', () => {
    const t = compileTemplate(tpl({ html: '<h1>Hi {{name}}</h1><p>Tom &amp; Jerry<br>bye</p>' }));
    expect(t.render({ name: 'Ada' }).text).toBe('Hi Ada\n\nTom & Jerry\nbye');
  });

  it('does not reach prototype properties through merge data', () => {
    const t = compileTemplate(tpl({ subject: '[{{constructor.name}}][{{__proto__}}]' }));
    expect(t.render({}).subject).toBe('[][]');
  });
});

describe('save-time template checks', () => {
  it('reports a syntax error with its line and column as TEMPLATE_SYNTAX', () => {
    const err = errorOf(() => checkTemplate(tpl({ html: '<p>line one</p>\n<p>Hi {{name}</p>' })));
    expect(err.code).toBe('TEMPLATE_SYNTAX');
    expect(err.location).toEqual({ line: 2, column: 13 });
    expect(err.message).toMatch(/^html: syntax error at line 2, column 13: Parse error on line 2/);
  });

  it('reports an unclosed block at the end of the part', () => {
    const err = errorOf(() => checkTemplate(tpl({ subject: 'x', text: 'a\n{{#if a}}b' })));
    expect(err.code).toBe('TEMPLATE_SYNTAX');
    expect(err.message).toMatch(/^text: syntax error at line 2/);
  });

  it('reports a mismatched block close with the position of the block', () => {
    const err = errorOf(() => checkTemplate(tpl({ html: 'a\n  {{#each xs}}{{/with}}' })));
    expect(err.code).toBe('TEMPLATE_SYNTAX');
    expect(err.location?.line).toBe(2);
    expect(err.message).toContain("each doesn't match with");
  });

  it('rejects an unknown helper as TEMPLATE_UNKNOWN_HELPER, naming it and where it is', () => {
    const err = errorOf(() => checkTemplate(tpl({ html: '<p>\n {{uppercase name}}</p>' })));
    expect(err.code).toBe('TEMPLATE_UNKNOWN_HELPER');
    expect(err.message).toContain('"uppercase"');
    expect(err.location).toEqual({ line: 2, column: 2 });
  });

  it.each([
    ['a sub-expression', '{{default (shout name) "x"}}'],
    ['a block helper', '{{#repeat 3}}x{{/repeat}}'],
    ['a hash-only call', '{{link href="x"}}'],
    ['a helper inside an each', '{{#each xs}}{{fmt this}}{{/each}}'],
    ['a helper in an else branch', '{{#if a}}x{{else}}{{fmt b}}{{/if}}'],
    ['the removed log helper', '{{log "hi"}}'],
    ['a data variable called like a helper', '{{@root.fn 1}}'],
  ])('rejects %s calling an unknown helper', (_what, html) => {
    expect(errorOf(() => checkTemplate(tpl({ html }))).code).toBe('TEMPLATE_UNKNOWN_HELPER');
  });

  it('accepts the built-in helpers, sections and paths', () => {
    expect(() =>
      checkTemplate(
        tpl({
          html:
            '{{#if a}}{{#each xs as |x|}}{{x.y}}{{@index}}{{/each}}{{else if b}}b{{else}}c{{/if}}' +
            '{{#unless c}}u{{/unless}}{{#with subscriber}}{{email}}{{/with}}{{lookup m "k"}}' +
            '{{#items}}{{name}}{{/items}}{{../up}}{{this}}{{default (lookup m "k") "none"}}',
        }),
      ),
    ).not.toThrow();
  });

  it('rejects a built-in helper called with the wrong number of arguments', () => {
    const err = errorOf(() => checkTemplate(tpl({ html: '{{#if}}x{{/if}}' })));
    expect(err.code).toBe('TEMPLATE_HELPER_USAGE');
    expect(errorOf(() => checkTemplate(tpl({ subject: '{{default name}}' }))).code).toBe(
      'TEMPLATE_HELPER_USAGE',
    );
  });

  it('rejects partials and decorators as TEMPLATE_UNSUPPORTED', () => {
    expect(errorOf(() => checkTemplate(tpl({ html: '{{> footer}}' }))).code).toBe(
      'TEMPLATE_UNSUPPORTED',
    );
    expect(errorOf(() => checkTemplate(tpl({ html: '{{#> layout}}x{{/layout}}' }))).code).toBe(
      'TEMPLATE_UNSUPPORTED',
    );
    expect(errorOf(() => checkTemplate(tpl({ html: '{{* deco}}' }))).code).toBe(
      'TEMPLATE_UNSUPPORTED',
    );
  });

  it('requires a subject and at least one body part', () => {
    expect(errorOf(() => checkTemplate(tpl({ subject: ' ' }))).code).toBe('TEMPLATE_INVALID');
    expect(errorOf(() => checkTemplate(tpl({ html: '', text: '' }))).code).toBe('TEMPLATE_INVALID');
    expect(() => checkTemplate(tpl({ html: '', text: 'only text' }))).not.toThrow();
  });
});

describe('render-time bounds and header safety', () => {
  it('rejects a subject whose merge value carries CR/LF as HEADER_INJECTION', () => {
    const t = compileTemplate(tpl({ subject: 'Hi {{first_name}}' }));
    for (const hostile of ['Ada\r\nBcc: victim@example.test', 'Ada\nX-Evil: 1', 'Ada\r']) {
      const err = errorOf(() => t.render({ first_name: hostile }));
      expect(err.code).toBe('HEADER_INJECTION');
      // The message names the field, never echoes the hostile value.
      expect(err.message).not.toContain('Bcc');
    }
  });

  it('rejects a subject template whose own text spans lines', () => {
    const t = compileTemplate(tpl({ subject: 'Hi\n{{x}}' }));
    expect(errorOf(() => t.render({ x: 'y' })).code).toBe('HEADER_INJECTION');
  });

  it('allows CR/LF from merge data in the bodies', () => {
    const t = compileTemplate(tpl({ text: 'Dear {{name}}' }));
    expect(t.render({ name: 'A\r\nB' }).text).toBe('Dear A\r\nB');
  });

  it('bounds each rendered part as RENDER_OUTPUT_TOO_LARGE', () => {
    const t = compileTemplate(tpl({ html: '{{#each xs}}{{this}}{{/each}}' }), 1024);
    const big = Array.from({ length: 200 }, () => 'xxxxxxxxxx');
    expect(errorOf(() => t.render({ xs: big })).code).toBe('RENDER_OUTPUT_TOO_LARGE');
    expect(t.render({ xs: big.slice(0, 50) }).html).toHaveLength(500);
  });
});

const list = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('runaway templates', () => {
  it('stops nested loops over large lists as RENDER_LIMIT_EXCEEDED instead of running on', () => {
    // 1000^4 iterations if left alone; the step budget ends it after a fraction.
    const t = compileTemplate(
      tpl({
        html: '{{#each a}}{{#each ../a}}{{#each ../../a}}{{#each ../../../a}}.{{/each}}{{/each}}{{/each}}{{/each}}',
      }),
    );
    const err = errorOf(() => t.render({ a: list(1000) }));
    expect(err.code).toBe('RENDER_LIMIT_EXCEEDED');
    expect(err.message).toMatch(/^html: more than \d+ block iterations/);
  });

  it('counts blocks over plain data ({{#items}}) like {{#each}}', () => {
    const t = compileTemplate(
      tpl({ html: '{{#a}}{{#../a}}{{#../../a}}.{{/../../a}}{{/../a}}{{/a}}' }),
    );
    expect(errorOf(() => t.render({ a: list(1000) })).code).toBe('RENDER_LIMIT_EXCEEDED');
  });

  it('renders the longest list merge data can hold within the step budget', () => {
    const t = compileTemplate(tpl({ html: '{{#each a}}{{this}},{{/each}}' }));
    // Numbers cost 8 bytes of the 64 KiB merge data bound (plus their index key).
    const items = list(5000);
    expect(items.length * 2).toBeLessThan(DEFAULT_MAX_RENDER_STEPS);
    expect(t.render({ a: items }).html).toBe(`${items.join(',')},`);
  });

  it('stops a block that would emit far more than the output bound while it runs', () => {
    // 5000 iterations of 10 KiB of static text = 50 MB, for a 64 KiB bound.
    const t = compileTemplate(tpl({ html: `{{#each a}}${'x'.repeat(10240)}{{/each}}` }), 65536);
    const err = errorOf(() => t.render({ a: list(5000) }));
    expect(err.code).toBe('RENDER_OUTPUT_TOO_LARGE');
    expect(err.message).toContain('html: blocks emit more');
  });

  it('stops a template that repeats a large merge value many times', () => {
    const t = compileTemplate(tpl({ text: '{{v}}'.repeat(500) }), 65536);
    const err = errorOf(() => t.render({ v: 'y'.repeat(10000) }));
    expect(err.code).toBe('RENDER_OUTPUT_TOO_LARGE');
    expect(err.message).toMatch(/^text: reads more than/);
  });

  it('still renders deep but small templates within bounds', () => {
    const t = compileTemplate(
      tpl({ html: '{{#each rows}}{{#if show}}{{#each cells}}[{{this}}]{{/each}}{{/if}}{{/each}}' }),
    );
    const rows = list(50).map((i) => ({ show: i % 2 === 0, cells: list(20) }));
    expect(t.render({ rows }).html).toHaveLength(25 * (10 * 3 + 10 * 4));
  });
});

describe('bad merge data', () => {
  const t = compileTemplate(tpl({ html: '<p>{{first_name}}</p>', text: '{{first_name}}' }));

  it.each([
    ['NUL in a value', { first_name: 'Ada\0Lovelace' }, /merge value "first_name" contains NUL/],
    ['NUL in a nested list value', { tags: ['ok', 'b\0d'] }, /merge value "tags\.1" contains NUL/],
    [
      'an unpaired surrogate (invalid UTF-16, no UTF-8 form)',
      { first_name: 'Ada\ud800' },
      /merge value "first_name" is not valid Unicode/,
    ],
    [
      'a value over the per-value bound',
      { first_name: 'x'.repeat(MERGE_DATA_LIMITS.maxValueBytes + 1) },
      /merge value "first_name" is 16385 bytes, over 16384/,
    ],
    [
      'data over the total bound',
      { a: list(10).map(() => 'x'.repeat(MERGE_DATA_LIMITS.maxValueBytes - 10)) },
      /merge data is larger than 65536 bytes/,
    ],
    [
      'data nested too deep',
      { a: { b: { c: { d: { e: { f: { g: { h: 'deep' } } } } } } } },
      /merge value "a\.b\.c\.d\.e\.f\.g" nests deeper than 8 levels/,
    ],
  ])('refuses %s as MERGE_DATA_INVALID, naming the field', (_what, data, message) => {
    const err = errorOf(() => t.render(data as Record<string, unknown>));
    expect(err.code).toBe('MERGE_DATA_INVALID');
    expect(err.message).toMatch(message);
  });

  it('accepts Unicode beyond the BMP (surrogate pairs) and empty data', () => {
    expect(t.render({ first_name: 'Ada 🎉' }).text).toBe('Ada 🎉');
    expect(t.render({}).text).toBe('');
  });
});
