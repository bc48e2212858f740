import { decodeEntities, htmlToText } from './html-to-text';

describe('htmlToText', () => {
  it('turns block ends and breaks into lines and drops tags', () => {
    expect(htmlToText('<div><h1>Title</h1><p>One<br/>Two</p><p>Three</p></div>')).toBe(
      'Title\n\nOne\nTwo\n\nThree',
    );
  });

  it('keeps link targets and list items readable', () => {
    expect(htmlToText('<ul><li>A</li><li><a href="https://x.test/a">Read</a></li></ul>')).toBe(
      '- A\n\n- Read (https://x.test/a)',
    );
  });

  it('drops style, script and head content entirely', () => {
    expect(
      htmlToText('<head><title>T</title><style>p{}</style></head><script>x()</script><p>Body</p>'),
    ).toBe('Body');
  });

  it('decodes basic entities after stripping tags, so escaped markup stays text', () => {
    expect(htmlToText('<p>a &lt;b&gt; &amp;&nbsp;c &#39;d&#x27; &quot;e&quot;</p>')).toBe(
      `a <b> & c 'd' "e"`,
    );
  });

  it('collapses runs of whitespace', () => {
    expect(htmlToText('  <p>  lots   of\t space </p>\n\n\n\n<p>x</p> ')).toBe('lots of space\n\nx');
  });

  it('leaves unknown entities as they are', () => {
    expect(decodeEntities('&bogus; &#0; &#65;')).toBe('&bogus; &#0; A');
  });
});
