// Groups a stream of rows into chunks and writes up to `concurrency` chunks at
// once, making the producer wait (push resolves late) while that many are in
// flight: the source is read only as fast as rows are written, so memory holds
// at most concurrency + 1 chunks. The first failure stops the intake and is
// rethrown by finish().
export class ChunkedWriter<T> {
  private chunk: T[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly write: (rows: T[]) => Promise<void>,
    private readonly chunkSize: number,
    private readonly concurrency: number,
  ) {}

  /** True once a chunk failed: the caller should stop reading its source. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  async push(row: T): Promise<void> {
    this.chunk.push(row);
    if (this.chunk.length >= this.chunkSize) await this.flush();
  }

  /** Writes what is left, waits for every chunk, and throws the first failure. */
  async finish(): Promise<void> {
    if (!this.failure) await this.flush();
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure.error;
  }

  private async flush(): Promise<void> {
    const rows = this.chunk;
    this.chunk = [];
    if (rows.length === 0 || this.failure) return;
    const tracked: Promise<void> = this.write(rows)
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
  }
}
