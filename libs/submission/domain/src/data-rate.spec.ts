import { DataRateMonitor } from './data-rate';

describe('DataRateMonitor', () => {
  const limits = { minBytesPerSecond: 1000, windowMs: 2000 };

  it('passes a window that averaged at least the minimum rate', () => {
    const m = new DataRateMonitor(limits, 0);
    expect(m.check(2000, 2000)).toBe(true);
    expect(m.check(4000, 4000)).toBe(true);
  });

  it('fails a window below the minimum rate even when earlier windows were fast', () => {
    const m = new DataRateMonitor(limits, 0);
    expect(m.check(2000, 100_000)).toBe(true);
    expect(m.check(4000, 101_000)).toBe(false);
  });

  it('judges by the elapsed time, not the nominal window', () => {
    const m = new DataRateMonitor(limits, 0);
    expect(m.check(500, 600)).toBe(true);
    expect(m.check(3500, 2000)).toBe(false);
  });

  it('never fails when the minimum rate is 0', () => {
    const m = new DataRateMonitor({ minBytesPerSecond: 0, windowMs: 2000 }, 0);
    expect(m.enabled).toBe(false);
    expect(m.check(60_000, 0)).toBe(true);
  });
});
