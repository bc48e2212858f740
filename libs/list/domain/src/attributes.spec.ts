import { ATTRIBUTE_LIMITS, checkAttributes } from './attributes';

const refused = (input: unknown): string => {
  const r = checkAttributes(input);
  if (r.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return r.reason;
};

describe('checkAttributes', () => {
  it('treats absent attributes as none', () => {
    expect(checkAttributes(undefined)).toEqual({ ok: true, value: {} });
    expect(checkAttributes(null)).toEqual({ ok: true, value: {} });
  });

  it('accepts typical merge data with every JSON type', () => {
    const attrs = {
      first_name: 'Ada',
      plan: 'pro',
      seats: 12,
      score: 4.5,
      vip: true,
      churned_at: null,
      tags: ['a', 'b'],
      address: { city: 'Zürich', geo: { lat: 47.37, lon: 8.54 } },
      _internal: 1,
    };
    expect(checkAttributes(attrs)).toEqual({ ok: true, value: attrs });
  });

  it('accepts exactly four levels of nesting and refuses five, naming the path', () => {
    expect(checkAttributes({ a: { b: { c: { d: 1 } } } }).ok).toBe(true);
    expect(refused({ a: { b: { c: { d: { e: 1 } } } } })).toBe(
      'are nested deeper than 4 levels (at "a.b.c.d")',
    );
    expect(refused({ a: [[[[1]]]] })).toMatch(/deeper than 4 levels \(at "a\[0\]\[0\]\[0\]"\)/);
  });

  it.each([
    ['first-name', 'key "first-name" is invalid'],
    ['1st', 'key "1st" is invalid'],
    ['', 'key "" is invalid'],
    ['a.b', 'key "a.b" is invalid'],
    ['$where', 'key "$where" is invalid'],
    ['é', 'key "é" is invalid'],
    ['x'.repeat(65), `key "${'x'.repeat(65)}" is invalid`],
  ])('refuses the key %j', (key, expected) => {
    expect(refused({ [key]: 1 })).toContain(expected);
  });

  it('accepts a key of 64 characters', () => {
    expect(checkAttributes({ ['k'.repeat(64)]: 1 }).ok).toBe(true);
  });

  it('checks keys at every level', () => {
    expect(refused({ address: { 'zip-code': '8000' } })).toContain(
      'key "address.zip-code" is invalid',
    );
    expect(refused({ items: [{ 'bad key': 1 }] })).toContain('key "items[0].bad key" is invalid');
  });

  it('refuses keys that merge data sets itself, so they are never silently shadowed', () => {
    expect(refused({ email: 'x@y.z' })).toMatch(/"email" is reserved/);
    expect(refused({ name: 'x' })).toMatch(/"name" is reserved/);
    expect(refused({ subscriber: {} })).toMatch(/"subscriber" is reserved/);
    expect(checkAttributes({ profile: { name: 'nested names are fine' } }).ok).toBe(true);
  });

  it('refuses prototype keys from a parsed JSON body', () => {
    expect(refused(JSON.parse('{"__proto__": {"polluted": true}}'))).toMatch(
      /"__proto__" is reserved/,
    );
    expect(refused({ a: JSON.parse('{"constructor": 1}') })).toMatch(/"a.constructor" is reserved/);
  });

  it.each<[unknown, RegExp]>([
    [[1, 2], /must be a JSON object, got an array/],
    ['str', /must be a JSON object, got a string/],
    [5, /must be a JSON object, got a number/],
    [new Date(0), /must be a JSON object, got a Date object/],
  ])('refuses %j as a whole', (input, expected) => {
    expect(refused(input)).toMatch(expected);
  });

  it('refuses values that are not JSON', () => {
    expect(refused({ n: Number.NaN })).toMatch(/"n" is not a finite number/);
    expect(refused({ n: Infinity })).toMatch(/not a finite number/);
    expect(refused({ f: () => 1 })).toMatch(/"f" is a function, which is not JSON/);
    expect(refused({ u: undefined })).toMatch(/"u" is a undefined/);
    expect(refused({ d: new Date() })).toMatch(/"d" is a Date object/);
  });

  it('accepts exactly the size limit and refuses one byte more', () => {
    const overhead = JSON.stringify({ blob: '' }).length;
    const exact = { blob: 'x'.repeat(ATTRIBUTE_LIMITS.maxBytes - overhead) };
    expect(checkAttributes(exact).ok).toBe(true);
    const over = { blob: 'x'.repeat(ATTRIBUTE_LIMITS.maxBytes - overhead + 1) };
    expect(refused(over)).toBe('are 16385 bytes as JSON; the limit is 16384');
  });

  it('measures size in UTF-8 bytes, not characters', () => {
    const overhead = JSON.stringify({ s: '' }).length;
    expect(refused({ s: 'ü'.repeat((ATTRIBUTE_LIMITS.maxBytes - overhead) / 2 + 1) })).toMatch(
      /limit is 16384/,
    );
  });
});
