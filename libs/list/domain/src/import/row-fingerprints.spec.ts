import { RowFingerprints } from './row-fingerprints';

describe('RowFingerprints', () => {
  it('answers the first row of a repeated key and remembers new ones', () => {
    const seen = new RowFingerprints();
    expect(seen.remember('a@x.io', 2)).toBeUndefined();
    expect(seen.remember('b@x.io', 3)).toBeUndefined();
    expect(seen.remember('a@x.io', 9)).toBe(2);
    expect(seen.remember('a@x.io', 12)).toBe(2);
    expect(seen.size).toBe(2);
  });

  it('keeps every key through many growths of its table', () => {
    const seen = new RowFingerprints(16);
    for (let row = 1; row <= 50000; row++)
      expect(seen.remember(`user${row}@x.io`, row)).toBeUndefined();
    for (const row of [1, 777, 32768, 50000])
      expect(seen.remember(`user${row}@x.io`, 60000)).toBe(row);
    expect(seen.size).toBe(50000);
  });

  it('refuses row 0, which marks an empty slot', () => {
    expect(() => new RowFingerprints().remember('a@x.io', 0)).toThrow(RangeError);
  });
});
