// Parser of the segment language, which selects subscribers of a list:
//
//   expr      := or
//   or        := and ("or" and)*
//   and       := unary ("and" unary)*
//   unary     := "not" unary | primary
//   primary   := "(" expr ")" | "true" | "false" | call | condition
//   call      := "in_list" "(" string ")" | "inactive" "(" duration ")"
//   condition := field ( op value | "in" "[" value ("," value)* "]"
//                      | ("contains" | "starts_with" | "ends_with") string )
//   op        := "==" | "!=" | "<" | "<=" | ">" | ">="
//   value     := string | number | "true" | "false" | "null" | "now" (("+" | "-") duration)?
//
// e.g. `attributes.plan == "pro" and last_open_at < now-60d`. Fields, their
// operators and value types are checked here, so every refusal points at the
// place in the expression that caused it.
import { SegmentMeaningError, SegmentSyntaxError } from './segment-errors';
import { lookupField, type FieldInfo } from './segment-fields';
import { tokenize, type Token } from './segment-lexer';

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type TextOp = 'contains' | 'starts_with' | 'ends_with';

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  /** `now` plus an offset; resolved to a date when compiled. */
  | { kind: 'time'; offsetMs: number }
  /** An ISO 8601 string compared with a date field. */
  | { kind: 'date'; value: Date };

export type SegmentNode =
  | { kind: 'and' | 'or'; items: SegmentNode[] }
  | { kind: 'not'; item: SegmentNode }
  | { kind: 'const'; value: boolean }
  | { kind: 'compare'; field: FieldInfo; op: CompareOp; value: Literal; pos: number }
  | { kind: 'in'; field: FieldInfo; values: Literal[]; pos: number }
  | { kind: 'text'; field: FieldInfo; op: TextOp; value: string; pos: number }
  | { kind: 'in_list'; listId: string; pos: number }
  | { kind: 'inactive'; windowMs: number; pos: number };

export const SEGMENT_LIMITS = {
  /** Characters of an expression. */
  maxLength: 4000,
  /** Conditions and calls in one expression. */
  maxConditions: 100,
  /** Nesting of parentheses and `not`. */
  maxDepth: 32,
  /** Values of one `in [...]`. */
  maxInValues: 1000,
} as const;

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false', 'null', 'now']);
const TEXT_OPS = new Set<string>(['contains', 'starts_with', 'ends_with']);
const LIST_ID = /^[0-9a-fA-F]{24}$/;

export function parseSegment(source: string): SegmentNode {
  if (source.length > SEGMENT_LIMITS.maxLength)
    throw new SegmentMeaningError(
      SEGMENT_LIMITS.maxLength + 1,
      `the expression is longer than ${SEGMENT_LIMITS.maxLength} characters`,
    );
  if (source.trim() === '') throw new SegmentSyntaxError(1, 'a condition', 'an empty expression');
  return new Parser(tokenize(source)).parse();
}

class Parser {
  private i = 0;
  private depth = 0;
  private conditions = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): SegmentNode {
    const node = this.or();
    const t = this.peek();
    if (t.kind !== 'end') throw this.unexpected(t, '"and", "or" or the end of the expression');
    return node;
  }

  private or(): SegmentNode {
    const items = [this.and()];
    while (this.isWord('or')) {
      this.i++;
      items.push(this.and());
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  }

  private and(): SegmentNode {
    const items = [this.unary()];
    while (this.isWord('and')) {
      this.i++;
      items.push(this.unary());
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  }

  private unary(): SegmentNode {
    if (!this.isWord('not')) return this.primary();
    this.i++;
    return this.nested(() => ({ kind: 'not', item: this.unary() }));
  }

  private primary(): SegmentNode {
    const t = this.next();
    if (t.kind === '(') {
      const node = this.nested(() => this.or());
      this.expect(')', '")"');
      return node;
    }
    if (t.kind !== 'ident' || (KEYWORDS.has(t.text) && t.text !== 'true' && t.text !== 'false'))
      throw this.unexpected(
        t,
        'a condition (a field such as email or attributes.plan, in_list(...), inactive(...), or "(")',
      );
    if (t.text === 'true' || t.text === 'false') return { kind: 'const', value: t.text === 'true' };
    if (++this.conditions > SEGMENT_LIMITS.maxConditions)
      throw new SegmentMeaningError(t.pos, `more than ${SEGMENT_LIMITS.maxConditions} conditions`);
    if (this.peek().kind === '(') return this.call(t);
    return this.condition(t);
  }

  private call(name: Token): SegmentNode {
    this.i++;
    const arg = this.next();
    let node: SegmentNode;
    if (name.text === 'in_list') {
      if (arg.kind !== 'string' || !LIST_ID.test(arg.value as string))
        throw this.unexpected(arg, 'a list id as a string of 24 hexadecimal characters');
      node = { kind: 'in_list', listId: (arg.value as string).toLowerCase(), pos: name.pos };
    } else if (name.text === 'inactive') {
      if (arg.kind !== 'duration' || (arg.value as number) <= 0)
        throw this.unexpected(arg, 'a duration such as 60d (units m, h, d, w)');
      node = { kind: 'inactive', windowMs: arg.value as number, pos: name.pos };
    } else {
      throw new SegmentMeaningError(
        name.pos,
        `unknown function ${JSON.stringify(name.text)} (functions: in_list, inactive)`,
      );
    }
    this.expect(')', '")"');
    return node;
  }

  private condition(t: Token): SegmentNode {
    const field = lookupField(t.text);
    if (typeof field === 'string') throw new SegmentMeaningError(t.pos, field);
    const opToken = this.next();
    if (opToken.kind === 'op') {
      const value = this.value();
      checkCompare(field, opToken.text as CompareOp, value, opToken.pos);
      return {
        kind: 'compare',
        field,
        op: opToken.text as CompareOp,
        value: value.literal,
        pos: t.pos,
      };
    }
    if (opToken.kind === 'ident' && opToken.text === 'in') return this.inList(field, t.pos);
    if (opToken.kind === 'ident' && TEXT_OPS.has(opToken.text)) {
      if (field.type !== 'string' && field.type !== 'any')
        throw new SegmentMeaningError(
          opToken.pos,
          `${field.name} has no ${opToken.text}: it is not text`,
        );
      const arg = this.next();
      if (arg.kind !== 'string') throw this.unexpected(arg, 'a string');
      return {
        kind: 'text',
        field,
        op: opToken.text as TextOp,
        value: arg.value as string,
        pos: t.pos,
      };
    }
    throw this.unexpected(
      opToken,
      'an operator (==, !=, <, <=, >, >=, in, contains, starts_with, ends_with)',
    );
  }

  private inList(field: FieldInfo, pos: number): SegmentNode {
    this.expect('[', '"["');
    const values: Literal[] = [];
    do {
      const v = this.value();
      checkCompare(field, '==', v, v.pos);
      values.push(v.literal);
      if (values.length > SEGMENT_LIMITS.maxInValues)
        throw new SegmentMeaningError(
          v.pos,
          `more than ${SEGMENT_LIMITS.maxInValues} values in one "in"`,
        );
    } while (this.peek().kind === ',' && this.next());
    this.expect(']', '"," or "]"');
    return { kind: 'in', field, values, pos };
  }

  private value(): { literal: Literal; pos: number } {
    const t = this.next();
    const at = (literal: Literal) => ({ literal, pos: t.pos });
    if (t.kind === 'string') return at({ kind: 'string', value: t.value as string });
    if (t.kind === 'number') return at({ kind: 'number', value: t.value as number });
    if (t.kind === '-' && this.peek().kind === 'number')
      return at({ kind: 'number', value: -(this.next().value as number) });
    if (t.kind === 'ident' && (t.text === 'true' || t.text === 'false'))
      return at({ kind: 'bool', value: t.text === 'true' });
    if (t.kind === 'ident' && t.text === 'null') return at({ kind: 'null' });
    if (t.kind === 'ident' && t.text === 'now') {
      const sign = this.peek();
      if (sign.kind !== '+' && sign.kind !== '-') return at({ kind: 'time', offsetMs: 0 });
      this.i++;
      const d = this.next();
      if (d.kind !== 'duration')
        throw this.unexpected(d, 'a duration such as 60d (units m, h, d, w)');
      return at({ kind: 'time', offsetMs: (sign.kind === '-' ? -1 : 1) * (d.value as number) });
    }
    throw this.unexpected(t, 'a value (a "string", a number, true, false, null, or now-60d)');
  }

  private nested<T>(inner: () => T): T {
    if (++this.depth > SEGMENT_LIMITS.maxDepth)
      throw new SegmentMeaningError(
        this.peek().pos,
        `nested deeper than ${SEGMENT_LIMITS.maxDepth} levels`,
      );
    const node = inner();
    this.depth--;
    return node;
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.text === word;
  }

  private peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    const t = this.tokens[this.i];
    if (t.kind !== 'end') this.i++;
    return t;
  }

  private expect(kind: Token['kind'], what: string): void {
    const t = this.next();
    if (t.kind !== kind) throw this.unexpected(t, what);
  }

  private unexpected(t: Token, expected: string): SegmentSyntaxError {
    return new SegmentSyntaxError(
      t.pos,
      expected,
      t.kind === 'end' ? 'the end' : JSON.stringify(t.text.slice(0, 40)),
    );
  }
}

/** Whether `field op value` makes sense; dates also accept ISO 8601 strings, turned into dates here. */
function checkCompare(
  field: FieldInfo,
  op: CompareOp,
  value: { literal: Literal; pos: number },
  pos: number,
): void {
  const v = value.literal;
  const fail = (detail: string) => new SegmentMeaningError(pos, detail);
  const equality = op === '==' || op === '!=';
  switch (field.type) {
    case 'string':
      if (!equality)
        throw fail(`${field.name} supports ==, !=, in, contains, starts_with and ends_with`);
      if (v.kind !== 'string') throw fail(`${field.name} is compared with a string`);
      return;
    case 'enum':
      if (!equality) throw fail(`${field.name} supports ==, != and in`);
      if (v.kind !== 'string' || !field.values?.includes(v.value))
        throw fail(
          `${field.name} is one of ${field.values?.map((s) => JSON.stringify(s)).join(', ')}`,
        );
      return;
    case 'date':
      if (v.kind === 'null' && equality) return;
      if (v.kind === 'time' || v.kind === 'date') return;
      if (
        v.kind === 'string' &&
        /^\d{4}-\d{2}-\d{2}/.test(v.value) &&
        !Number.isNaN(Date.parse(v.value))
      ) {
        value.literal = { kind: 'date', value: new Date(v.value) };
        return;
      }
      throw fail(
        `${field.name} is compared with now, now-60d, an ISO 8601 date such as "2025-01-31", or null`,
      );
    case 'count':
      if (v.kind !== 'number') throw fail(`${field.name} is compared with a number`);
      return;
    case 'any':
      if (
        !equality &&
        v.kind !== 'number' &&
        v.kind !== 'string' &&
        v.kind !== 'time' &&
        v.kind !== 'date'
      )
        throw fail(`${op} compares numbers, strings or dates`);
      return;
  }
}
