import { compileSegment, evaluateResidual, type CompiledSegment } from './segment-compiler';

const NOW = new Date('2025-06-30T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
const compile = (source: string): CompiledSegment => compileSegment(source, NOW);
const LIST_A = '0123456789abcdef01234567';
const LIST_B = 'fedcba9876543210fedcba98';

describe('compileSegment: good expressions', () => {
  it('compiles attribute and engagement conditions into one subscriber filter', () => {
    expect(compile('attributes.plan == "pro" and last_open_at < now-60d')).toEqual({
      filter: {
        $and: [{ 'attributes.plan': 'pro' }, { 'engagement.lastOpenAt': { $lt: daysAgo(60) } }],
      },
      lists: [],
      subsets: [],
      empty: false,
    });
  });

  it('joins list membership in code and decides `status` for recipients (always subscribed)', () => {
    expect(compile(`in_list("${LIST_A}") and not status == "unsubscribed"`)).toEqual({
      filter: {},
      residual: { kind: 'list', index: 0 },
      lists: [LIST_A],
      subsets: [],
      empty: false,
    });
    expect(compile('status == "unsubscribed"').empty).toBe(true);
    expect(compile('status in ["subscribed", "unconfirmed"]')).toMatchObject({
      filter: {},
      empty: false,
    });
  });

  it('keeps subscriber conditions mixed with in_list as filters of their own, evaluated per flag', () => {
    const c = compile(
      `(in_list("${LIST_A}") or attributes.vip == true) and not in_list("${LIST_B}") and global_status == "active"`,
    );
    expect(c).toEqual({
      filter: { globalStatus: 'active' },
      residual: {
        kind: 'and',
        items: [
          {
            kind: 'or',
            items: [
              { kind: 'list', index: 0 },
              { kind: 'subset', index: 0 },
            ],
          },
          { kind: 'not', item: { kind: 'list', index: 1 } },
        ],
      },
      lists: [LIST_A, LIST_B],
      subsets: [{ 'attributes.vip': true }],
      empty: false,
    });
    const flags = (lists: boolean[], subsets: boolean[]) =>
      evaluateResidual(
        c.residual!,
        (i) => lists[i],
        (i) => subsets[i],
      );
    expect(flags([true, false], [false])).toBe(true);
    expect(flags([false, false], [true])).toBe(true);
    expect(flags([true, true], [true])).toBe(false);
    expect(flags([false, false], [false])).toBe(false);
  });

  it('expands inactive(60d) to no open and no click within the window', () => {
    const quiet = (path: string) => ({
      $or: [{ [path]: { $exists: false } }, { [path]: null }, { [path]: { $lt: daysAgo(60) } }],
    });
    expect(compile('inactive(60d)').filter).toEqual({
      $and: [quiet('engagement.lastOpenAt'), quiet('engagement.lastClickAt')],
    });
  });

  it('counts a missing counter as 0 and a missing date as null', () => {
    expect(compile('opens < 3').filter).toEqual({
      $or: [{ 'engagement.opens': { $lt: 3 } }, { 'engagement.opens': { $exists: false } }],
    });
    expect(compile('clicks >= 1').filter).toEqual({ 'engagement.clicks': { $gte: 1 } });
    expect(compile('last_click_at == null').filter).toEqual({
      $or: [{ 'engagement.lastClickAt': { $exists: false } }, { 'engagement.lastClickAt': null }],
    });
    expect(compile('last_click_at != null').filter).toEqual({
      'engagement.lastClickAt': { $exists: true, $ne: null },
    });
  });

  it('compiles text operators to anchored, escaped, case-insensitive patterns', () => {
    expect(compile('email ends_with "@gmail.com"').filter).toEqual({
      email: { $regex: '@gmail\\.com$', $options: 'i' },
    });
    expect(compile('name starts_with "Dr. (retired)"').filter).toEqual({
      name: { $regex: '^Dr\\. \\(retired\\)', $options: 'i' },
    });
  });

  it('reads ISO dates, negative numbers, in-lists and nested attribute paths', () => {
    expect(compile('created_at >= "2025-01-01" and attributes.score > -1.5').filter).toEqual({
      $and: [
        { createdAt: { $gte: new Date('2025-01-01') } },
        { 'attributes.score': { $gt: -1.5 } },
      ],
    });
    expect(compile('attributes.address.city in ["Oslo", "Bergen"]').filter).toEqual({
      'attributes.address.city': { $in: ['Oslo', 'Bergen'] },
    });
  });

  it('binds not tighter than and, and and tighter than or', () => {
    expect(compile('not email == "a@x.io" or name == "B" and opens > 1').filter).toEqual({
      $or: [
        { $nor: [{ email: 'a@x.io' }] },
        { $and: [{ name: 'B' }, { 'engagement.opens': { $gt: 1 } }] },
      ],
    });
  });
});

describe('compileSegment: bad expressions name the position and what was expected', () => {
  it.each([
    ['', 'at position 1: expected a condition, found an empty expression'],
    ['attributes.plan = "pro"', 'at position 17: expected "==" (comparison), found "="'],
    [
      'attributes.plan == ',
      'at position 20: expected a value (a "string", a number, true, false, null, or now-60d), found the end',
    ],
    [
      'attributes.plan == "pro" and',
      'at position 29: expected a condition (a field such as email or attributes.plan, in_list(...), inactive(...), or "("), found the end',
    ],
    ['(email == "a@x.io"', 'at position 19: expected ")", found the end'],
    [
      'email == "a@x.io" "b"',
      'at position 19: expected "and", "or" or the end of the expression, found "\\"b\\""',
    ],
    [
      'opens >= 1 && clicks > 0',
      'at position 12: expected a field, a value or an operator, found "&"',
    ],
    [
      'name == "unterminated',
      'at position 9: expected a closing quote for this string, found the end',
    ],
    [
      'in_list("abc")',
      'at position 9: expected a list id as a string of 24 hexadecimal characters, found "\\"abc\\""',
    ],
    [
      'inactive(60)',
      'at position 10: expected a duration such as 60d (units m, h, d, w), found "60"',
    ],
    [
      'last_open_at < now - 60x',
      'at position 22: expected a number or a duration such as 60d (units m, h, d, w), found "60x"',
    ],
    [
      'attributes.first name == "x"',
      'at position 18: expected an operator (==, !=, <, <=, >, >=, in, contains, starts_with, ends_with), found "name"',
    ],
  ])('refuses %j', (source, message) => {
    expect(() => compile(source)).toThrow(message);
  });

  it.each([
    [
      'plan == "pro"',
      'at position 1: unknown field "plan" (fields: email, name, status, global_status, created_at, updated_at, last_open_at, last_click_at, opens, clicks, soft_bounce_streak, attributes.<key>)',
    ],
    [
      'status == "gone"',
      'at position 8: status is one of "unconfirmed", "subscribed", "unsubscribed"',
    ],
    ['opens > "3"', 'at position 7: opens is compared with a number'],
    [
      'email < "x"',
      'at position 7: email supports ==, !=, in, contains, starts_with and ends_with',
    ],
    [
      'last_open_at < 60',
      'at position 14: last_open_at is compared with now, now-60d, an ISO 8601 date such as "2025-01-31", or null',
    ],
    ['opens contains "1"', 'at position 7: opens has no contains: it is not text'],
    ['attributes.a.b.c.d.e == 1', 'at position 1: attributes nest at most 4 levels'],
    ['attributes.9lives == 1', 'at position 1: "9lives" is not an attribute key'],
    ['segment("x")', 'at position 1: unknown function "segment" (functions: in_list, inactive)'],
  ])('refuses the meaningless %j', (source, message) => {
    expect(() => compile(source)).toThrow(message);
  });

  it('refuses expressions past the size limits', () => {
    expect(() => compile('x'.repeat(4001))).toThrow(
      'the expression is longer than 4000 characters',
    );
    expect(() => compile(`${'('.repeat(40)}opens > 1${')'.repeat(40)}`)).toThrow(
      'nested deeper than 32 levels',
    );
    expect(() => compile(Array(101).fill('opens > 1').join(' or '))).toThrow(
      'more than 100 conditions',
    );
  });
});
