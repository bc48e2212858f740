import { formatDuration, parseDuration } from './duration';

describe('durations', () => {
  it('reads each unit into milliseconds', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('6h')).toBe(21_600_000);
    expect(parseDuration('3d')).toBe(259_200_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
  });

  it('refuses text without a unit, with an unknown unit or with spaces inside', () => {
    for (const text of ['10', '10x', 'm', '', '1 h', '-5m', '1h30m', '10M']) {
      expect(parseDuration(text)).toBeUndefined();
    }
  });

  it('writes the largest unit that divides exactly, and reads it back', () => {
    expect(formatDuration(600_000)).toBe('10m');
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(259_200_000)).toBe('3d');
    expect(formatDuration(1_500)).toBe('1500ms');
    expect(formatDuration(0)).toBe('0ms');
    for (const ms of [1, 999, 61_000, 86_400_000, 5_400_000]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });
});
