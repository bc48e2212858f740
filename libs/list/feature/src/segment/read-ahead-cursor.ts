// A MongoDB cursor that reads ahead in the background, up to a bound, so that
// the server's reads and the gRPC writes they feed overlap instead of taking
// turns (the driver asks for the next batch only once the last one is used up).

/** What a MongoDB cursor offers: the next document (null at the end), and close. */
export interface DocumentSource<T> {
  next(): Promise<T | null>;
  close(): Promise<void>;
}

export class ReadAheadCursor<T> {
  private readonly queue: T[] = [];
  private done = false;
  private failure: { error: unknown } | undefined;
  private reading = false;
  private wake: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly source: DocumentSource<T>,
    private readonly readAhead: number,
  ) {}

  /** The next item without taking it; undefined at the end. */
  async head(): Promise<T | undefined> {
    while (this.queue.length === 0 && !this.done && !this.failure) {
      this.pump();
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    if (this.failure) throw this.failure.error;
    this.pump();
    return this.queue[0];
  }

  /** Takes the head. */
  async take(): Promise<T | undefined> {
    const item = await this.head();
    if (item !== undefined) this.queue.shift();
    return item;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.source.close().catch(() => undefined);
  }

  /** Starts a background read when the queue has room and none is running. */
  private pump(): void {
    if (
      this.reading ||
      this.done ||
      this.failure ||
      this.closed ||
      this.queue.length >= this.readAhead
    )
      return;
    this.reading = true;
    void this.fill();
  }

  private async fill(): Promise<void> {
    try {
      while (!this.closed && this.queue.length < this.readAhead) {
        const doc = await this.source.next();
        if (doc === null) {
          this.done = true;
          break;
        }
        this.queue.push(doc);
        this.signal();
      }
    } catch (error) {
      if (!this.closed) this.failure = { error };
    } finally {
      this.reading = false;
      this.signal();
    }
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
