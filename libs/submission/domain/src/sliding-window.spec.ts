import { ExpiringMarks, SlidingWindowLog } from './sliding-window';

describe('SlidingWindowLog', () => {
  it('counts events inside the window only', () => {
    const log = new SlidingWindowLog(1000, 10, 100);
    log.add('k', 0);
    log.add('k', 500);
    expect(log.count('k', 999)).toBe(2);
    expect(log.count('k', 1000)).toBe(1);
    expect(log.count('k', 1500)).toBe(0);
  });

  it('adds weighted events and never keeps more than its cap per key', () => {
    const log = new SlidingWindowLog(1000, 5, 100);
    expect(log.add('k', 0, 3)).toBe(3);
    expect(log.add('k', 1, 100)).toBe(5);
  });

  it('evicts the least recently touched key beyond its key bound', () => {
    const log = new SlidingWindowLog(1000, 5, 2);
    log.add('a', 0);
    log.add('b', 0);
    log.add('a', 1);
    log.add('c', 2);
    expect([log.count('a', 3), log.count('b', 3), log.count('c', 3)]).toEqual([2, 0, 1]);
    expect(log.size).toBe(2);
  });

  it('sweeps keys whose events all left the window', () => {
    const log = new SlidingWindowLog(1000, 5, 100);
    log.add('a', 0);
    log.add('b', 900);
    log.sweep(1500);
    expect(log.size).toBe(1);
  });
});

describe('ExpiringMarks', () => {
  it('holds a mark until its deadline and keeps the later of two deadlines', () => {
    const marks = new ExpiringMarks(10);
    marks.mark('k', 100);
    marks.mark('k', 50);
    expect(marks.remaining('k', 40)).toBe(60);
    expect(marks.remaining('k', 100)).toBe(0);
  });

  it('counts active marks by key prefix', () => {
    const marks = new ExpiringMarks(10);
    marks.mark('c:1', 100);
    marks.mark('u:1', 100);
    marks.mark('c:2', 10);
    expect([marks.active(50, 'c:'), marks.active(50, 'u:'), marks.active(50)]).toEqual([1, 1, 2]);
  });
});
