// Tokens of the segment language (see segment-parser.ts for the grammar).
// Every token keeps its position (1-based, in characters), so an error can
// point at the exact place of an expression an operator typed.
import { SegmentSyntaxError } from './segment-errors';

export type TokenKind =
  | 'ident' // email, attributes.plan, in_list, and, or, not, in, now, true, ...
  | 'string'
  | 'number'
  | 'duration'
  | 'op' // == != < <= > >=
  | '('
  | ')'
  | '['
  | ']'
  | ','
  | '+'
  | '-'
  | 'end';

export interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
  /** string: the unescaped text; number: the value; duration: milliseconds. */
  value?: string | number;
}

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_.]/;
const DIGIT = /[0-9]/;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const pos = i + 1;
    if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < source.length && IDENT_PART.test(source[j])) j++;
      tokens.push({ kind: 'ident', text: source.slice(i, j), pos });
      i = j;
    } else if (DIGIT.test(c)) {
      i = number(source, i, tokens);
    } else if (c === '"') {
      i = string(source, i, tokens);
    } else if ('=!<>'.includes(c)) {
      const two = source.slice(i, i + 2);
      const op = ['==', '!=', '<=', '>='].includes(two)
        ? two
        : c === '<' || c === '>'
          ? c
          : undefined;
      if (!op)
        throw new SegmentSyntaxError(
          pos,
          c === '=' ? '"==" (comparison)' : '"!="',
          JSON.stringify(c),
        );
      tokens.push({ kind: 'op', text: op, pos });
      i += op.length;
    } else if ('()[],+-'.includes(c)) {
      tokens.push({ kind: c as TokenKind, text: c, pos });
      i++;
    } else {
      throw new SegmentSyntaxError(pos, 'a field, a value or an operator', JSON.stringify(c));
    }
  }
  tokens.push({ kind: 'end', text: '', pos: source.length + 1 });
  return tokens;
}

/** A number, or a duration (a whole number directly followed by m, h, d or w). */
function number(source: string, start: number, tokens: Token[]): number {
  let j = start;
  while (j < source.length && DIGIT.test(source[j])) j++;
  const unit = source[j];
  if (unit !== undefined && UNIT_MS[unit] !== undefined && !IDENT_PART.test(source[j + 1] ?? '')) {
    const n = Number(source.slice(start, j));
    tokens.push({
      kind: 'duration',
      text: source.slice(start, j + 1),
      pos: start + 1,
      value: n * UNIT_MS[unit],
    });
    return j + 1;
  }
  if (source[j] === '.' && DIGIT.test(source[j + 1] ?? '')) {
    j++;
    while (j < source.length && DIGIT.test(source[j])) j++;
  }
  if (j < source.length && /[A-Za-z_]/.test(source[j]))
    throw new SegmentSyntaxError(
      start + 1,
      'a number or a duration such as 60d (units m, h, d, w)',
      JSON.stringify(source.slice(start, j + 1)),
    );
  tokens.push({
    kind: 'number',
    text: source.slice(start, j),
    pos: start + 1,
    value: Number(source.slice(start, j)),
  });
  return j;
}

/** A double-quoted string with JSON escapes. */
function string(source: string, start: number, tokens: Token[]): number {
  let j = start + 1;
  while (j < source.length && source[j] !== '"') j += source[j] === '\\' ? 2 : 1;
  if (j >= source.length)
    throw new SegmentSyntaxError(start + 1, 'a closing quote for this string', 'the end');
  const text = source.slice(start, j + 1);
  let value: string;
  try {
    value = JSON.parse(text) as string;
  } catch {
    throw new SegmentSyntaxError(
      start + 1,
      'a string with valid escapes (\\" \\\\ \\n \\uXXXX)',
      text.slice(0, 40),
    );
  }
  tokens.push({ kind: 'string', text, pos: start + 1, value });
  return j + 1;
}
