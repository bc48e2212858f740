// Strict line-ending guard over the DATA stream, against SMTP smuggling.
// smtp-server ends DATA only on CRLF.CRLF and un-dot-stuffs a "." that follows
// any LF; every other "ending" (\n.\r\n, \n.\n, \r.\r, \r\n.\n, \r\n\x00.\r\n, ...)
// reaches us as message content. A downstream MTA that is lenient about line
// endings or NULs could read that content as end-of-data plus new commands, so we
// refuse any bare LF, bare CR or NUL byte outright instead of storing the message.
import { Transform, type TransformCallback } from 'node:stream';

export type DataViolationKind = 'BARE_LF' | 'BARE_CR' | 'NUL';

export interface DataViolation {
  readonly kind: DataViolationKind;
  /** Offset of the offending byte in the (un-dot-stuffed) message. */
  readonly offset: number;
}

const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;

/** Byte-level state machine shared by the stream guard and whole-buffer checks. */
export class LineEndingScanner {
  private afterCr = false;
  private seen = 0;
  private found: DataViolation | undefined;

  get violation(): DataViolation | undefined {
    return this.found;
  }

  feed(chunk: Uint8Array): void {
    if (!this.found) this.scan(chunk);
    this.seen += chunk.length;
  }

  /** A message must end with CRLF (smtp-server keeps it before the terminator). */
  finish(): DataViolation | undefined {
    if (!this.found && this.afterCr) this.found = { kind: 'BARE_CR', offset: this.seen - 1 };
    return this.found;
  }

  private scan(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      const offset = this.seen + i;
      if (this.afterCr && b !== LF) {
        this.found = { kind: 'BARE_CR', offset: offset - 1 };
        return;
      }
      if (b === LF && !this.afterCr) {
        this.found = { kind: 'BARE_LF', offset };
        return;
      }
      if (b === NUL) {
        this.found = { kind: 'NUL', offset };
        return;
      }
      this.afterCr = b === CR;
    }
  }
}

/**
 * Passes bytes through unchanged and records the first violation; it never
 * errors the stream, so the SMTP layer still reads DATA to its real end and can
 * answer with a refusal instead of desynchronising the session.
 */
export class DataLineGuard extends Transform {
  private readonly scanner = new LineEndingScanner();

  get violation(): DataViolation | undefined {
    return this.scanner.violation;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.scanner.feed(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.scanner.finish();
    done();
  }
}

/** Whole-buffer form of the same check. */
export function findDataViolation(message: Uint8Array): DataViolation | undefined {
  const scanner = new LineEndingScanner();
  scanner.feed(message);
  return scanner.finish();
}
