// Commit watermark for one Kafka partition of mail.outbound: records are taken
// in offset order but finish in any order (a fast domain overtakes a slow one),
// so the offset we may commit is the first one not yet final. A crash then
// re-delivers only records that were still open, never skips one.

interface OpenRecord {
  offset: bigint;
  final: boolean;
}

export class CommitWatermark {
  /** Records in offset order; the head is the oldest not yet committed past. */
  private readonly records: OpenRecord[] = [];
  private head = 0;
  private readonly byOffset = new Map<bigint, OpenRecord>();
  /** Next offset to consume once everything before it is final (Kafka's commit semantics). */
  private next: bigint | undefined;
  private lastTaken: bigint | undefined;

  /** Registers a record taken from the partition; offsets must increase. */
  add(offset: string | bigint): void {
    const value = BigInt(offset);
    const last = this.records[this.records.length - 1];
    if ((last && value <= last.offset) || (this.next !== undefined && value < this.next)) {
      throw new Error(`offset ${value} added out of order`);
    }
    const record = { offset: value, final: false };
    this.records.push(record);
    this.byOffset.set(value, record);
    if (this.head === this.records.length - 1 && this.next === undefined) this.next = value;
  }

  /** Marks a record final (delivered, bounced, dead-lettered or handed to a retry topic). */
  complete(offset: string | bigint): void {
    const record = this.byOffset.get(BigInt(offset));
    if (!record) return; // already final, or dropped by a rebalance
    record.final = true;
    this.byOffset.delete(record.offset);
    this.advance();
  }

  /** Records taken and not yet final. */
  get openCount(): number {
    return this.byOffset.size;
  }

  /** The offset to commit if it moved since the last call (Kafka commits "next offset to read"). */
  takeCommit(): string | undefined {
    if (this.next === undefined || this.next === this.lastTaken) return undefined;
    this.lastTaken = this.next;
    return this.next.toString();
  }

  private advance(): void {
    while (this.head < this.records.length && this.records[this.head].final) {
      this.next = this.records[this.head].offset + 1n;
      this.head++;
    }
    if (this.head < this.records.length) this.next = this.records[this.head].offset;
    // Compact now and then so a long-lived partition does not keep every record it ever saw.
    if (this.head > 1024 && this.head * 2 > this.records.length) {
      this.records.splice(0, this.head);
      this.head = 0;
    }
  }
}
