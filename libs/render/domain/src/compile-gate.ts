// Admission of save-time MJML compiles in one render process: a few run at a
// time and a few more may wait, so a burst of saves costs bounded CPU and memory
// next to the consumer instead of one thread (and heap) per request.
import { RenderError } from './render-errors';

export class CompileGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly maxRunning: number,
    private readonly maxWaiting: number,
  ) {
    if (maxRunning < 1) throw new Error('a compile gate must let at least one compile run');
  }

  /** Runs `work` when a slot is free; TEMPLATE_COMPILE_BUSY when the queue is full. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxRunning) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new RenderError(
          'TEMPLATE_COMPILE_BUSY',
          `${this.running} MJML compiles are running and ${this.waiting.length} waiting; retry the save later`,
        );
      }
      // The slot is handed over by release(), so `running` never overshoots.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
