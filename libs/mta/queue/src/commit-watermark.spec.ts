import { CommitWatermark } from './commit-watermark';

describe('CommitWatermark', () => {
  it('commits nothing until the first record is final', () => {
    const w = new CommitWatermark();
    w.add('10');
    w.add('11');
    w.complete('11');
    expect(w.takeCommit()).toBe('10');
    expect(w.openCount).toBe(1);
  });

  it('commits up to the lowest record not yet final when later ones finish first', () => {
    const w = new CommitWatermark();
    for (const o of [5, 6, 7, 8]) w.add(String(o));
    w.takeCommit();
    w.complete('7');
    w.complete('8');
    expect(w.takeCommit()).toBeUndefined();
    w.complete('5');
    expect(w.takeCommit()).toBe('6');
    w.complete('6');
    expect(w.takeCommit()).toBe('9');
    expect(w.openCount).toBe(0);
  });

  it('reports a commit only when the watermark moved', () => {
    const w = new CommitWatermark();
    w.add('0');
    w.complete('0');
    expect(w.takeCommit()).toBe('1');
    expect(w.takeCommit()).toBeUndefined();
    w.add('1');
    expect(w.takeCommit()).toBeUndefined();
    w.complete('1');
    expect(w.takeCommit()).toBe('2');
  });

  it('accepts gaps in offsets (compacted or transactional topics)', () => {
    const w = new CommitWatermark();
    w.add('3');
    w.add('9');
    w.complete('3');
    expect(w.takeCommit()).toBe('9');
    w.complete('9');
    expect(w.takeCommit()).toBe('10');
  });

  it('refuses offsets that go backwards', () => {
    const w = new CommitWatermark();
    w.add('4');
    expect(() => w.add('4')).toThrow(/out of order/);
    expect(() => w.add('2')).toThrow(/out of order/);
  });

  it('ignores completion of unknown or already final offsets', () => {
    const w = new CommitWatermark();
    w.add('1');
    w.complete('1');
    w.complete('1');
    w.complete('77');
    expect(w.takeCommit()).toBe('2');
  });

  it('keeps working across compaction of a long history', () => {
    const w = new CommitWatermark();
    for (let i = 0; i < 5000; i++) w.add(String(i));
    for (let i = 4999; i >= 1; i--) w.complete(String(i));
    expect(w.takeCommit()).toBe('0');
    w.complete('0');
    expect(w.takeCommit()).toBe('5000');
    w.add('5000');
    w.complete('5000');
    expect(w.takeCommit()).toBe('5001');
  });
});
