import { LowestErrors } from './lowest-errors';

describe('LowestErrors', () => {
  it('keeps the lowest rows whatever order they arrive in, and counts them all', () => {
    const errors = new LowestErrors<{ row: number }>(3, (e) => e.row);
    for (const row of [9, 4, 12, 2, 7, 3, 30, 1]) errors.add({ row });
    expect(errors.list().map((e) => e.row)).toEqual([1, 2, 3]);
    expect(errors.count).toBe(8);
    expect(errors.truncated).toBe(true);
  });

  it('is not truncated while everything fits', () => {
    const errors = new LowestErrors<{ row: number }>(3, (e) => e.row);
    errors.add({ row: 5 });
    errors.add({ row: 2 });
    expect(errors.list()).toEqual([{ row: 2 }, { row: 5 }]);
    expect(errors.truncated).toBe(false);
  });
});
