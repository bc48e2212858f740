// Keeps the row errors a report shows: the first `limit` by row position,
// although chunks written side by side finish out of order. Trims only when
// twice the limit piled up, so a file of bad rows costs no sort per row.
export class LowestErrors<E> {
  private items: E[] = [];
  private total = 0;

  constructor(
    private readonly limit: number,
    private readonly position: (e: E) => number,
  ) {}

  add(error: E): void {
    this.total++;
    this.items.push(error);
    if (this.items.length >= 2 * this.limit) this.trim();
  }

  /** Errors recorded, kept or not. */
  get count(): number {
    return this.total;
  }

  /** The kept errors in row order (a copy). */
  list(): E[] {
    this.trim();
    return [...this.items];
  }

  get truncated(): boolean {
    return this.total > Math.min(this.items.length, this.limit);
  }

  private trim(): void {
    this.items.sort((a, b) => this.position(a) - this.position(b));
    if (this.items.length > this.limit) this.items = this.items.slice(0, this.limit);
  }
}
