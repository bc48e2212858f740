import { screenRows } from './bulk-rows';

describe('screenRows', () => {
  it('accepts good rows with their index and reports bad rows by index, never failing the batch', () => {
    const { accepted, errors } = screenRows([
      { email: 'a@example.com' },
      { email: 'not-an-address' },
      { email: 'B@Example.COM', name: 'Bea', attributes: { plan: 'pro' } },
      'just a string',
      { email: 'c@example.com', attributes: { 'bad-key': 1 } },
      { email: 'd@example.com', nickname: 'dd' },
    ]);
    expect(accepted.map((r) => [r.index, r.input.email.address])).toEqual([
      [0, 'a@example.com'],
      [2, 'B@example.com'],
    ]);
    expect(errors).toEqual([
      { index: 1, email: 'not-an-address', code: 'INVALID_EMAIL', reason: 'email is missing "@"' },
      {
        index: 3,
        email: '',
        code: 'INVALID_ROW',
        reason: expect.stringContaining('must be a JSON object'),
      },
      {
        index: 4,
        email: 'c@example.com',
        code: 'INVALID_ATTRIBUTES',
        reason: expect.stringContaining('"bad-key" is invalid'),
      },
      {
        index: 5,
        email: 'd@example.com',
        code: 'UNKNOWN_FIELD',
        reason: 'property nickname should not exist',
      },
    ]);
  });

  it('writes an address given twice once, by its first row, comparing normalised forms', () => {
    const { accepted, errors } = screenRows([
      { email: 'x@EXAMPLE.com' },
      { email: ' x@example.com ' },
    ]);
    expect(accepted.map((r) => r.index)).toEqual([0]);
    expect(errors).toEqual([
      {
        index: 1,
        email: 'x@example.com',
        code: 'DUPLICATE_IN_BATCH',
        reason: expect.stringContaining('index 0'),
      },
    ]);
  });
});
