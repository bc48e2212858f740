// Strict line-ending guard over the DATA stream, against SMTP smuggling.
// smtp-server ends DATA only on CRLF.CRLF and un-dot-stuffs a "." that follows
// any LF; every other "ending" (\n.\r\n, \n.\n, \r.\r, \r\n.\n, \r\n\x00.\r\n, ...)
// reaches us as message content. A downstream MTA that is lenient about line
// endings or NULs could read that content as end-of-data plus new commands, so we
// refuse any bare LF, bare CR or NUL byte outright instead of storing the message.
// The same pass measures lines: RFC 5321 4.5.3.1.6 limits a text line to 1000
// octets including CRLF (the dot added for transparency not counted, and
// smtp-server has already removed it), and a longer line is reported apart.
import { Transform, type TransformCallback } from 'node:stream';

export type DataViolationKind = 'BARE_LF' | 'BARE_CR' | 'NUL';

export interface DataViolation {
  readonly kind: DataViolationKind;
  /** Offset of the offending byte in the (un-dot-stuffed) message. */
  readonly offset: number;
}

/** RFC 5321 4.5.3.1.6: a text line is at most 1000 octets including its CRLF. */
export const MAX_TEXT_LINE_BYTES = 1000;

export interface LongLine {
  /** Offset of the start of the first over-long line. */
  readonly offset: number;
}

const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;

/** Byte-level state machine shared by the stream guard and whole-buffer checks. */
export class LineEndingScanner {
  private afterCr = false;
  private seen = 0;
  private lineBytes = 0;
  private found: DataViolation | undefined;
  private long: LongLine | undefined;

  constructor(private readonly maxLineBytes = MAX_TEXT_LINE_BYTES) {}

  get violation(): DataViolation | undefined {
    return this.found;
  }

  get longLine(): LongLine | undefined {
    return this.long;
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

  /**
   * Jumps from line end to line end with native searches (memchr) instead of a
   * loop over every byte, which cost about as much as the rest of accepting a
   * 10 KB message. The outcome (first violation, line lengths) is the same as a
   * byte-by-byte reading, carried over chunk boundaries by afterCr and lineBytes.
   */
  private scan(chunk: Uint8Array): void {
    const nul = chunk.indexOf(NUL);
    // Bytes before the first NUL are read line by line; the NUL itself is refused after.
    const end = nul < 0 ? chunk.length : nul;
    let pos = 0;
    if (this.afterCr && end > 0) {
      // The chunk before ended with a CR: only an LF may follow it.
      if (chunk[0] !== LF) return this.fail('BARE_CR', -1);
      this.count(0, 1);
      this.endLine();
      pos = 1;
    }
    while (pos < end) {
      const lf = boundedIndex(chunk, LF, pos, end);
      const cr = boundedIndex(chunk, CR, pos, end);
      const lineEnd = lf < 0 ? end : lf;
      // A CR anywhere but right before the line's LF (or as the chunk's last byte) is bare.
      if (cr >= 0 && cr < lineEnd - 1) {
        this.count(pos, cr + 1);
        return this.fail('BARE_CR', cr);
      }
      if (lf < 0) {
        this.count(pos, end);
        this.afterCr = cr === end - 1;
        pos = end;
        break;
      }
      // Within the loop no CR is pending: the line's LF needs its CR right before it, in this chunk.
      if (lf === pos || cr !== lf - 1) {
        this.count(pos, lf);
        return this.fail('BARE_LF', lf);
      }
      this.count(pos, lf + 1);
      this.endLine();
      pos = lf + 1;
    }
    if (nul >= 0) {
      if (this.afterCr) return this.fail('BARE_CR', nul - 1);
      this.fail('NUL', nul);
    }
  }

  /** Counts chunk[from, to) into the current line, noting the first line over the limit. */
  private count(from: number, to: number): void {
    const lineStart = this.seen + from - this.lineBytes;
    this.lineBytes += to - from;
    if (this.lineBytes > this.maxLineBytes && !this.long) this.long = { offset: lineStart };
  }

  private endLine(): void {
    this.lineBytes = 0;
    this.afterCr = false;
  }

  private fail(kind: DataViolationKind, index: number): void {
    this.found = { kind, offset: this.seen + index };
  }
}

/** Index of `byte` in chunk[from, end), or -1. */
function boundedIndex(chunk: Uint8Array, byte: number, from: number, end: number): number {
  const at = chunk.indexOf(byte, from);
  return at >= 0 && at < end ? at : -1;
}

/**
 * Passes bytes through unchanged and records the first violation; it never
 * errors the stream, so the SMTP layer still reads DATA to its real end and can
 * answer with a refusal instead of desynchronising the session.
 */
export class DataLineGuard extends Transform {
  private readonly scanner: LineEndingScanner;

  constructor(maxLineBytes = MAX_TEXT_LINE_BYTES) {
    super();
    this.scanner = new LineEndingScanner(maxLineBytes);
  }

  get violation(): DataViolation | undefined {
    return this.scanner.violation;
  }

  get longLine(): LongLine | undefined {
    return this.scanner.longLine;
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

/** Whole-buffer form of the line-length check. */
export function findLongLine(
  message: Uint8Array,
  maxLineBytes = MAX_TEXT_LINE_BYTES,
): LongLine | undefined {
  const scanner = new LineEndingScanner(maxLineBytes);
  scanner.feed(message);
  return scanner.longLine;
}
