// Pins the retry tier setting ("1m,10m,1h,6h"), the tier a delay lands in,
// and the topic names the forwarder subscribes to.
import { parseRetryTiers, retryTopic, tierFor, type RetryTier } from './retry-tiers';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('parseRetryTiers', () => {
  it('reads names and delays, sorted from the shortest', () => {
    expect(parseRetryTiers(' 6h, 1m ,1h,10m')).toEqual([
      { name: '1m', delayMs: MIN },
      { name: '10m', delayMs: 10 * MIN },
      { name: '1h', delayMs: HOUR },
      { name: '6h', delayMs: 6 * HOUR },
    ]);
  });

  it('accepts seconds and days', () => {
    expect(parseRetryTiers('30s,1d')).toEqual([
      { name: '30s', delayMs: 30_000 },
      { name: '1d', delayMs: 24 * HOUR },
    ]);
  });

  it.each(['10x', 'm10', '1.5m', '10ms', '-1m', '10 m'])(
    'rejects the tier "%s" naming it and the expected form',
    (bad) => {
      expect(() => parseRetryTiers(`1m,${bad}`)).toThrow(
        `retry tier "${bad}" must be a number and a unit (s, m, h, d), e.g. 10m`,
      );
    },
  );

  it('rejects two tiers of the same delay, naming both', () => {
    expect(() => parseRetryTiers('1m,60s,1h')).toThrow(
      'retry tiers "1m" and "60s" are the same delay',
    );
    expect(() => parseRetryTiers('10m,10m')).toThrow('are the same delay');
  });

  it.each(['', ' ', ',', ' , ,'])('rejects an empty setting "%s"', (empty) => {
    expect(() => parseRetryTiers(empty)).toThrow('at least one retry tier is needed');
  });
});

describe('tierFor', () => {
  const tiers: RetryTier[] = parseRetryTiers('1m,10m,1h,6h');
  const nameFor = (delayMs: number) => tierFor(delayMs, tiers).name;

  it('picks the tier of exactly the delay', () => {
    expect(nameFor(10 * MIN)).toBe('10m');
    expect(nameFor(6 * HOUR)).toBe('6h');
  });

  it('picks the longest tier not longer than the delay', () => {
    expect(nameFor(10 * MIN + 1)).toBe('10m');
    expect(nameFor(HOUR - 1)).toBe('10m');
    expect(nameFor(5 * HOUR)).toBe('1h');
  });

  it('picks the longest tier for a delay beyond all tiers', () => {
    expect(nameFor(3 * 24 * HOUR)).toBe('6h');
  });

  it('picks the shortest tier for a delay shorter than every tier', () => {
    expect(nameFor(MIN - 1)).toBe('1m');
    expect(nameFor(0)).toBe('1m');
    expect(nameFor(-5_000)).toBe('1m');
  });
});

describe('retryTopic', () => {
  it('names the topic mail.retry.v1.<tier name>', () => {
    expect(parseRetryTiers('90s,10m,1d').map(retryTopic)).toEqual([
      'mail.retry.v1.90s',
      'mail.retry.v1.10m',
      'mail.retry.v1.1d',
    ]);
  });
});
