import { checkSubscriberInput } from './subscriber-input';

describe('checkSubscriberInput', () => {
  it('normalises the address and keeps only the given optional fields', () => {
    expect(checkSubscriberInput({ email: ' Ann@Example.COM ' })).toEqual({
      ok: true,
      value: { email: { address: 'Ann@example.com', localPart: 'Ann', domain: 'example.com' } },
    });
    const full = checkSubscriberInput({
      email: 'a@b.co',
      name: '  Ann Lee ',
      attributes: { plan: 'pro' },
    });
    expect(full).toMatchObject({
      ok: true,
      value: { name: 'Ann Lee', attributes: { plan: 'pro' } },
    });
  });

  it('treats null name and attributes as absent', () => {
    expect(checkSubscriberInput({ email: 'a@b.co', name: null, attributes: null })).toEqual({
      ok: true,
      value: { email: expect.objectContaining({ address: 'a@b.co' }) },
    });
  });

  it.each<[unknown, string, string, RegExp]>([
    [null, 'INVALID_ROW', 'row', /must be a JSON object/],
    ['a@b.co', 'INVALID_ROW', 'row', /must be a JSON object/],
    [{}, 'INVALID_EMAIL', 'email', /^email is required$/],
    [{ email: 'nope' }, 'INVALID_EMAIL', 'email', /^email is missing "@"$/],
    [
      { email: 'a@b.co', emial: 'x' },
      'UNKNOWN_FIELD',
      'emial',
      /^property emial should not exist$/,
    ],
    [{ email: 'a@b.co', name: 5 }, 'INVALID_NAME', 'name', /must be a string/],
    [{ email: 'a@b.co', name: 'Eve\r\nBcc: x@y.z' }, 'INVALID_NAME', 'name', /control character/],
    [{ email: 'a@b.co', name: 'x'.repeat(201) }, 'INVALID_NAME', 'name', /longer than 200/],
    [
      { email: 'a@b.co', attributes: [] },
      'INVALID_ATTRIBUTES',
      'attributes',
      /^attributes must be a JSON object/,
    ],
  ])('refuses %j with %s on %s', (row, code, field, message) => {
    const r = checkSubscriberInput(row);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem.code).toBe(code);
    expect(r.problem.field).toBe(field);
    expect(r.problem.message).toMatch(message);
  });
});
