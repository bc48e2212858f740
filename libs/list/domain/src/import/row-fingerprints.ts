// Remembers which addresses an import has seen, and on which row, to report a
// repeated address as a duplicate of its first row. A file can have millions
// of rows, so addresses are kept as 64-bit digests in flat typed arrays (12
// bytes a slot, about 24 MiB per million rows) instead of a Set of strings.
// Two different addresses of a million-row file share a digest with odds of
// about 1 in 30 million; the cost would be one row reported as a duplicate.
import { createHash } from 'node:crypto';

const EMPTY = 0;

export class RowFingerprints {
  private hi: Uint32Array;
  private lo: Uint32Array;
  /** Row numbers; 0 marks an empty slot (rows start at 1). */
  private rows: Uint32Array;
  private used = 0;

  constructor(initialCapacity = 1024) {
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.rows = new Uint32Array(capacity);
  }

  get size(): number {
    return this.used;
  }

  /** Records `key` as seen on `row`; returns the earlier row when it was seen before. */
  remember(key: string, row: number): number | undefined {
    if (row < 1) throw new RangeError('row numbers start at 1');
    const digest = createHash('sha1').update(key).digest();
    const hi = digest.readUInt32BE(0);
    const lo = digest.readUInt32BE(4);
    const earlier = this.find(hi, lo);
    if (earlier !== undefined) return earlier;
    if ((this.used + 1) * 2 > this.rows.length) this.grow();
    this.put(hi, lo, row);
    this.used++;
    return undefined;
  }

  private find(hi: number, lo: number): number | undefined {
    const mask = this.rows.length - 1;
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      if (this.rows[i] === EMPTY) return undefined;
      if (this.hi[i] === hi && this.lo[i] === lo) return this.rows[i];
    }
  }

  private put(hi: number, lo: number, row: number): void {
    const mask = this.rows.length - 1;
    let i = lo & mask;
    while (this.rows[i] !== EMPTY) i = (i + 1) & mask;
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.rows[i] = row;
  }

  private grow(): void {
    const { hi, lo, rows } = this;
    const capacity = rows.length * 2;
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.rows = new Uint32Array(capacity);
    for (let i = 0; i < rows.length; i++) if (rows[i] !== EMPTY) this.put(hi[i], lo[i], rows[i]);
  }
}
