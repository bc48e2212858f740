import type { ColumnMap } from './import-mapping';
import { mapRecord } from './import-row';

const map: ColumnMap = {
  header: ['email', 'name', 'plan', 'seats', 'vip', 'tags'],
  email: { column: 'email', index: 0 },
  name: { column: 'name', index: 1 },
  attributes: [
    { key: 'plan', column: 'plan', index: 2, type: 'string' },
    { key: 'seats', column: 'seats', index: 3, type: 'number' },
    { key: 'vip', column: 'vip', index: 4, type: 'boolean' },
    { key: 'tags', column: 'tags', index: 5, type: 'json' },
  ],
};

const problem = (fields: string[]) => {
  const r = mapRecord(fields, map);
  if (r.ok) throw new Error('expected a row error');
  return { code: r.problem.code, message: r.problem.message, email: r.email };
};

describe('mapRecord', () => {
  it('normalises the address, trims cells and converts typed attributes', () => {
    expect(mapRecord([' Ada@Example.COM ', ' Ada L. ', 'pro', '12', 'Yes', '["a"]'], map)).toEqual({
      ok: true,
      input: {
        email: expect.objectContaining({ address: 'Ada@example.com' }),
        name: 'Ada L.',
        attributes: { plan: 'pro', seats: 12, vip: true, tags: ['a'] },
      },
    });
  });

  it('leaves empty name and attribute cells out, so the stored values stay', () => {
    const r = mapRecord(['b@example.com', '', 'free', '', '', ''], map);
    expect(r).toEqual({
      ok: true,
      input: {
        email: expect.objectContaining({ address: 'b@example.com' }),
        attributes: { plan: 'free' },
      },
    });
  });

  it('refuses a row whose field count differs from the header', () => {
    expect(problem(['c@example.com', 'C'])).toEqual({
      code: 'INVALID_CSV_ROW',
      message: 'the row has 2 fields; the header has 6',
      email: 'c@example.com',
    });
  });

  it('refuses an empty email cell, naming the column', () => {
    expect(problem(['  ', 'D', '', '', '', ''])).toEqual({
      code: 'INVALID_EMAIL',
      message: 'email is missing (column "email" is empty)',
      email: '',
    });
  });

  it('refuses a bad address with the address rule it breaks', () => {
    expect(problem(['no-at-sign', '', '', '', '', ''])).toEqual({
      code: 'INVALID_EMAIL',
      message: 'email is missing "@"',
      email: 'no-at-sign',
    });
  });

  it.each([
    [
      ['e@x.io', '', '', 'twelve', '', ''],
      'attributes.seats: "twelve" in column "seats" is not a number',
    ],
    [
      ['e@x.io', '', '', '', 'maybe', ''],
      'attributes.vip: "maybe" in column "vip" is not a boolean',
    ],
    [
      ['e@x.io', '', '', '', '', '[1,'],
      'attributes.tags: "[1," in column "tags" is not valid JSON',
    ],
  ])('refuses a cell that is not of its column type', (fields, message) => {
    expect(problem(fields)).toMatchObject({ code: 'INVALID_ATTRIBUTES', message });
  });

  it('refuses oversized attributes and header-injecting names', () => {
    expect(problem(['f@x.io', '', 'x'.repeat(17 * 1024), '', '', ''])).toMatchObject({
      code: 'INVALID_ATTRIBUTES',
      message: expect.stringMatching(/^attributes are \d+ bytes as JSON; the limit is 16384$/),
    });
    expect(problem(['g@x.io', 'Eve\u0007', '', '', '', ''])).toMatchObject({
      code: 'INVALID_NAME',
      message: 'name contains a control character',
    });
  });
});
