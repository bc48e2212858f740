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
    for (const hostile of ['Ada\r\nBcc: victim@example.test', 'Ada\nX-Evil: 1', 'Ada\r', 'Ada\0']) {
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
