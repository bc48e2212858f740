// A set of MongoDB ObjectIds kept in flat typed arrays (13 bytes a slot, at
// most half full: about 27 MiB per million ids), exact: the three 32-bit
// words of an id are its key. A scan-joined stream loads the members of a
// list into one with a single unsorted read, instead of asking the server to
// sort them (FerretDB sorts in its own memory, ~3 KB a document).
import type { Types } from 'mongoose';

export class ObjectIdSet {
  private a: Uint32Array;
  private b: Uint32Array;
  private c: Uint32Array;
  private used: Uint8Array;
  private count = 0;

  constructor(initialCapacity = 1024) {
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.a = new Uint32Array(capacity);
    this.b = new Uint32Array(capacity);
    this.c = new Uint32Array(capacity);
    this.used = new Uint8Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  add(id: Types.ObjectId): void {
    const [a, b, c] = words(id);
    if (this.find(a, b, c) >= 0) return;
    if ((this.count + 1) * 2 > this.used.length) this.grow();
    this.put(a, b, c);
    this.count++;
  }

  has(id: Types.ObjectId): boolean {
    const [a, b, c] = words(id);
    return this.find(a, b, c) >= 0;
  }

  private find(a: number, b: number, c: number): number {
    const mask = this.used.length - 1;
    for (let i = slot(a, b, c) & mask; this.used[i] === 1; i = (i + 1) & mask) {
      if (this.a[i] === a && this.b[i] === b && this.c[i] === c) return i;
    }
    return -1;
  }

  private put(a: number, b: number, c: number): void {
    const mask = this.used.length - 1;
    let i = slot(a, b, c) & mask;
    while (this.used[i] === 1) i = (i + 1) & mask;
    this.a[i] = a;
    this.b[i] = b;
    this.c[i] = c;
    this.used[i] = 1;
  }

  private grow(): void {
    const { a, b, c, used } = this;
    const capacity = used.length * 2;
    this.a = new Uint32Array(capacity);
    this.b = new Uint32Array(capacity);
    this.c = new Uint32Array(capacity);
    this.used = new Uint8Array(capacity);
    for (let i = 0; i < used.length; i++) if (used[i] === 1) this.put(a[i], b[i], c[i]);
  }
}

function words(id: Types.ObjectId): [number, number, number] {
  const bytes = id.id;
  const word = (o: number) =>
    ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0;
  return [word(0), word(4), word(8)];
}

/** Mixes all three words: ids of one process share their first bytes and differ mostly in the last. */
function slot(a: number, b: number, c: number): number {
  let h = Math.imul(c ^ (c >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ b, 0x45d9f3b);
  h = Math.imul(h ^ a ^ (h >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 0;
}
