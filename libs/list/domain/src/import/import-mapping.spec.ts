import { parseMapping, resolveMapping, type ImportMapping } from './import-mapping';

const resolved = (mapping: ImportMapping, header: string[]) => {
  const r = resolveMapping(mapping, header);
  if (!r.ok) throw new Error(`expected a mapping, got ${r.code}: ${r.message}`);
  return r.value;
};

describe('parseMapping', () => {
  it('takes no mapping as the default mapping', () => {
    expect(parseMapping(undefined)).toEqual({ ok: true, value: {} });
    expect(parseMapping(' ')).toEqual({ ok: true, value: {} });
  });

  it('accepts columns for email and name, typed attributes and a delimiter', () => {
    const raw = JSON.stringify({
      email: 'E-mail',
      name: 'Full name',
      attributes: { plan: 'Plan', seats: { column: 'Seats', type: 'number' } },
      delimiter: ';',
    });
    expect(parseMapping(raw)).toEqual({ ok: true, value: JSON.parse(raw) });
  });

  it.each([
    [
      '{not json',
      'mapping must be a JSON object, e.g. {"email":"E-mail","attributes":{"plan":"Plan"}}',
    ],
    ['[]', 'mapping must be a JSON object'],
    ['{"emial":"x"}', 'mapping.emial is not a mapping field (email, name, attributes, delimiter)'],
    ['{"email":""}', 'mapping.email must be a column header (1..200 characters)'],
    ['{"delimiter":"|"}', 'mapping.delimiter must be ",", ";" or "\\t"'],
    ['{"attributes":["plan"]}', 'mapping.attributes must be an object of attribute key → column'],
    [
      '{"attributes":{"first name":"First"}}',
      'mapping.attributes: key "first name" is invalid: use letters, digits and "_", not starting with a digit, at most 64 characters',
    ],
    ['{"attributes":{"email":"E"}}', 'mapping.attributes: key "email" is reserved'],
    [
      '{"attributes":{"age":{"column":"Age","type":"date"}}}',
      'mapping.attributes.age.type must be one of string, number, boolean, json',
    ],
    [
      '{"attributes":{"age":{"col":"Age"}}}',
      'mapping.attributes.age must be a column header or {"column": ..., "type": ...}',
    ],
  ])('refuses %s with a message naming the problem', (raw, message) => {
    expect(parseMapping(raw)).toEqual({ ok: false, code: 'INVALID_MAPPING', message });
  });
});

describe('resolveMapping', () => {
  it('by default finds email and name in any case and makes every other column an attribute', () => {
    expect(resolved({}, [' Email ', 'NAME', 'plan', 'city'])).toEqual({
      header: ['Email', 'NAME', 'plan', 'city'],
      email: { column: 'Email', index: 0 },
      name: { column: 'NAME', index: 1 },
      attributes: [
        { key: 'plan', column: 'plan', index: 2, type: 'string' },
        { key: 'city', column: 'city', index: 3, type: 'string' },
      ],
    });
  });

  it('with a mapping imports only the mapped columns', () => {
    const map = resolved(
      { email: 'E-mail', attributes: { seats: { column: 'Seats', type: 'number' } } },
      ['Id', 'E-mail', 'Seats', 'Notes'],
    );
    expect(map.email).toEqual({ column: 'E-mail', index: 1 });
    expect(map.name).toBeUndefined();
    expect(map.attributes).toEqual([{ key: 'seats', column: 'Seats', index: 2, type: 'number' }]);
  });

  it('refuses a header without the email column, listing the columns it has', () => {
    expect(resolveMapping({}, ['mail', 'name'])).toEqual({
      ok: false,
      code: 'MISSING_COLUMN',
      message: 'the header has no email column "email" (columns: "mail", "name")',
    });
    expect(resolveMapping({ email: 'E-mail' }, ['Email'])).toMatchObject({
      code: 'MISSING_COLUMN',
      message: 'the header has no email column "E-mail" (columns: "Email")',
    });
  });

  it('refuses a mapped attribute or name column the header lacks', () => {
    expect(resolveMapping({ email: 'email', name: 'Name' }, ['email'])).toMatchObject({
      code: 'MISSING_COLUMN',
    });
    expect(resolveMapping({ attributes: { plan: 'Plan' } }, ['email'])).toMatchObject({
      code: 'MISSING_COLUMN',
      message: 'the header has no attribute (plan) column "Plan" (columns: "email")',
    });
  });

  it('refuses a default mapping whose extra column is no valid attribute key', () => {
    expect(resolveMapping({}, ['email', 'First Name'])).toMatchObject({
      code: 'INVALID_MAPPING',
      message: expect.stringContaining('column "First Name" cannot be an attribute key'),
    });
  });

  it('refuses a used column named twice in the header, and ignores an unused one', () => {
    expect(resolveMapping({}, ['email', 'email'])).toEqual({
      ok: false,
      code: 'INVALID_CSV',
      message: 'the header names column "email" more than once',
    });
    expect(resolveMapping({ email: 'email' }, ['email', 'x', 'x']).ok).toBe(true);
  });
});
