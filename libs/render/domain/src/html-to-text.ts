// Plain-text alternative for templates without a text part. Deliberately crude
// (no HTML parser): block ends become line breaks, links keep their target,
// tags go, basic entities are decoded and whitespace is collapsed.

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

// Content that is never shown, and comments: dropped with what they enclose.
const HIDDEN = /<!--[\s\S]*?-->|<(script|style|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const ANCHOR = /<a\b[^>]*?\bhref\s*=\s*(["'])(.*?)\1[^>]*>([\s\S]*?)<\/a\s*>/gi;
const TAG = /<(\/?)([A-Za-z][A-Za-z0-9]*)?[^>]*>/g;
const BLOCK_ENDS = new Set(
  'p div h1 h2 h3 h4 h5 h6 li tr table ul ol blockquote section article'.split(' '),
);

export function htmlToText(html: string): string {
  const withBreaks = html.replace(HIDDEN, '').replace(ANCHOR, linkText).replace(TAG, tagText);
  return collapseWhitespace(decodeEntities(withBreaks));
}

/** What a tag leaves in the text: breaks for <br>, list items and block ends, else nothing. */
function tagText(_m: string, slash: string, name: string | undefined): string {
  if (!name) return '';
  const tag = name.toLowerCase();
  if (slash) return BLOCK_ENDS.has(tag) ? '\n\n' : '';
  if (tag === 'br') return '\n';
  return tag === 'li' ? '\n- ' : '';
}

function linkText(_m: string, _q: string, href: string, inner: string): string {
  const label = inner.replace(/<[^>]*>/g, '').trim();
  if (!label || label === href) return href;
  return `${label} (${href})`;
}

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X'
          ? parseInt(body.slice(2), 16)
          : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/**
 * Runs of blanks become one space, lines are trimmed, and at most one empty
 * line separates paragraphs. One pass over the text: it runs per recipient.
 */
export function collapseWhitespace(text: string): string {
  const out: string[] = [];
  let newlines = 0;
  let blank = false;
  let wrote = false;
  let runStart = -1;
  const flushRun = (end: number) => {
    if (runStart < 0) return;
    if (wrote && newlines > 0) out.push(newlines > 1 ? '\n\n' : '\n');
    else if (blank && wrote) out.push(' ');
    out.push(text.slice(runStart, end));
    wrote = true;
    newlines = 0;
    blank = false;
    runStart = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x20 && c < 0x7f) {
      // Printable ASCII, by far the most common case.
      if (runStart < 0) runStart = i;
    } else if (c === 0x0a) {
      flushRun(i);
      newlines++;
      blank = false;
    } else if (isBlank(c)) {
      // A single space between words is already collapsed: the run goes on.
      if (c === 0x20 && runStart >= 0 && i + 1 < text.length) {
        const next = text.charCodeAt(i + 1);
        if (next !== 0x0a && !isBlank(next)) continue;
      }
      flushRun(i);
      blank = true;
    } else if (runStart < 0) {
      runStart = i;
    }
  }
  flushRun(text.length);
  return out.join('');
}

/** Whitespace other than LF, as String.prototype.trim knows it. */
function isBlank(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}
