// First stage of a CSV import: turns the upload's bytes, as they arrive, into
// records (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes,
// CRLF or LF) without ever holding more than one record. A record that cannot
// be read (bad quoting, not UTF-8, longer than the limit) becomes an error item
// naming its line, and reading resumes at the next line, so one broken row
// never swallows the good rows after it.
import { isUtf8 } from 'node:buffer';

export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvReaderOptions {
  /** Largest record in bytes; a longer one is reported and skipped. */
  maxRecordBytes: number;
  delimiter?: CsvDelimiter;
}

export type CsvProblem = 'bad_quoting' | 'quote_not_closed' | 'too_long' | 'invalid_utf8';

export type CsvItem =
  | { kind: 'record'; line: number; fields: string[] }
  /** `column` (0-based) is set for invalid_utf8: the first field that is not UTF-8. */
  | { kind: 'error'; line: number; problem: CsvProblem; message: string; column?: number };

/** The file as a whole is not UTF-8 text (a UTF-16 export): nothing in it can be read. */
export class CsvFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvFileError';
  }
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Where a scan of one record ended. */
type Scan =
  | { kind: 'incomplete'; inQuotes: boolean }
  | { kind: 'record'; next: number; fields: Array<[number, number, boolean]> }
  | { kind: 'error'; next: number; problem: CsvProblem; message: string };

/**
 * Push chunks in, take items out. Keeps only the bytes of the record being
 * read between chunks; `end()` flushes the last record (a file need not end
 * with a line break).
 */
export class CsvRecordReader {
  private buf: Buffer = Buffer.alloc(0);
  private line = 1;
  /** Set after an over-long unquoted line: bytes are dropped until its end. */
  private skippingLine = false;
  /** True until the first bytes were checked for a byte order mark. */
  private atStart = true;
  private readonly delim: number;

  constructor(private readonly opts: CsvReaderOptions) {
    this.delim = (opts.delimiter ?? ',').charCodeAt(0);
  }

  push(chunk: Buffer): CsvItem[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    return this.drain(false);
  }

  end(): CsvItem[] {
    return this.drain(true);
  }

  private drain(final: boolean): CsvItem[] {
    const items: CsvItem[] = [];
    if (this.atStart && !this.checkStart(final)) return items;
    let pos = 0;
    if (this.skippingLine) {
      const lf = this.buf.indexOf(LF);
      if (lf < 0) {
        this.buf = Buffer.alloc(0);
        return items;
      }
      this.skippingLine = false;
      this.line++;
      pos = lf + 1;
    }
    while (pos < this.buf.length) {
      const scan = this.scan(pos, final);
      if (scan.kind === 'incomplete') {
        if (this.buf.length - pos <= this.opts.maxRecordBytes) break;
        pos = this.tooLong(pos, scan.inQuotes, items);
        continue;
      }
      const line = this.line;
      this.line += countLines(this.buf, pos, scan.next);
      if (scan.kind === 'error') {
        items.push({ kind: 'error', line, problem: scan.problem, message: scan.message });
      } else if (!isBlank(scan.fields)) {
        items.push(this.decode(line, scan.fields));
      }
      pos = scan.next;
    }
    this.buf = this.buf.subarray(pos);
    // At the end only an unclosed quote can be left over: report it, then read on after its line.
    if (final && this.buf.length > 0) items.push(...this.unclosedAtEnd());
    return items;
  }

  /** Drops a UTF-8 byte order mark, refuses UTF-16; false while too few bytes came to tell. */
  private checkStart(final: boolean): boolean {
    if (this.buf.length < UTF8_BOM.length && !final) return false;
    this.atStart = false;
    const [b0, b1] = this.buf;
    if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff))
      throw new CsvFileError(
        'the file is UTF-16 text; save it as UTF-8 (CSV UTF-8) and upload it again',
      );
    if (this.buf.subarray(0, UTF8_BOM.length).equals(UTF8_BOM))
      this.buf = this.buf.subarray(UTF8_BOM.length);
    return true;
  }

  /** An over-long record: report it and skip its first line (a runaway quote) or the whole line. */
  private tooLong(pos: number, inQuotes: boolean, items: CsvItem[]): number {
    const limit = this.opts.maxRecordBytes;
    items.push({
      kind: 'error',
      line: this.line,
      problem: inQuotes ? 'quote_not_closed' : 'too_long',
      message: inQuotes
        ? `a quoted field opened on line ${this.line} is not closed within ${limit} bytes`
        : `the row is longer than ${limit} bytes`,
    });
    const lf = this.buf.indexOf(LF, pos);
    if (lf < 0) {
      this.skippingLine = true;
      return this.buf.length;
    }
    this.line++;
    return lf + 1;
  }

  private unclosedAtEnd(): CsvItem[] {
    const items: CsvItem[] = [
      {
        kind: 'error',
        line: this.line,
        problem: 'quote_not_closed',
        message: `a quoted field opened on line ${this.line} is never closed`,
      },
    ];
    const lf = this.buf.indexOf(LF);
    if (lf < 0) {
      this.buf = Buffer.alloc(0);
      return items;
    }
    // The lines after the opening quote are read again as rows of their own.
    this.line++;
    this.buf = this.buf.subarray(lf + 1);
    items.push(...this.drain(true));
    return items;
  }

  /** Reads one record starting at `start`. */
  private scan(start: number, final: boolean): Scan {
    const buf = this.buf;
    const len = buf.length;
    const fields: Array<[number, number, boolean]> = [];
    let i = start;
    for (;;) {
      if (i < len && buf[i] === QUOTE) {
        // Quoted field: up to a quote that is not doubled.
        let j = i + 1;
        for (;;) {
          const q = buf.indexOf(QUOTE, j);
          // Without the byte after a quote, it cannot tell a closing quote from a doubled one.
          if (q < 0 || (q + 1 >= len && !final)) return { kind: 'incomplete', inQuotes: true };
          if (q + 1 >= len) {
            fields.push([i + 1, q, true]);
            return { kind: 'record', next: len, fields };
          }
          if (buf[q + 1] === QUOTE) {
            j = q + 2;
            continue;
          }
          fields.push([i + 1, q, true]);
          const after = q + 1;
          const c = buf[after];
          if (c === this.delim) {
            i = after + 1;
            break;
          }
          const next = lineEnd(buf, after, final);
          if (next === undefined) return { kind: 'incomplete', inQuotes: false };
          if (next >= 0) return { kind: 'record', next, fields };
          return this.badQuote(after, final);
        }
        continue;
      }
      // Unquoted field: up to the delimiter or the end of the line. A quote inside is kept as is.
      let j = i;
      const delim = this.delim;
      while (j < len) {
        const c = buf[j];
        if (c === delim || c === LF || c === CR) break;
        j++;
      }
      if (j >= len) {
        if (!final) return { kind: 'incomplete', inQuotes: false };
        fields.push([i, j, false]);
        return { kind: 'record', next: len, fields };
      }
      fields.push([i, j, false]);
      if (buf[j] === this.delim) {
        i = j + 1;
        continue;
      }
      const next = lineEnd(buf, j, final);
      if (next === undefined) return { kind: 'incomplete', inQuotes: false };
      return { kind: 'record', next, fields };
    }
  }

  /** A character right after a closing quote: the record is broken up to the end of that line. */
  private badQuote(at: number, final: boolean): Scan {
    const lf = this.buf.indexOf(LF, at);
    if (lf < 0 && !final) return { kind: 'incomplete', inQuotes: false };
    const shown = String.fromCharCode(this.buf[at]);
    return {
      kind: 'error',
      next: lf < 0 ? this.buf.length : lf + 1,
      problem: 'bad_quoting',
      message: `bad quoting: ${JSON.stringify(shown)} follows a closing quote (a quote inside a quoted field must be doubled)`,
    };
  }

  private decode(line: number, ranges: Array<[number, number, boolean]>): CsvItem {
    const fields: string[] = [];
    for (let k = 0; k < ranges.length; k++) {
      const [s, e, quoted] = ranges[k];
      const bytes = this.buf.subarray(s, e);
      if (!isUtf8(bytes)) {
        return {
          kind: 'error',
          line,
          problem: 'invalid_utf8',
          column: k,
          message: `field ${k + 1} is not valid UTF-8 (save the file as UTF-8)`,
        };
      }
      const text = bytes.toString('utf8');
      fields.push(quoted ? text.replace(/""/g, '"') : text);
    }
    return { kind: 'record', line, fields };
  }
}

/**
 * The position after the line break at `at` (CRLF, LF or a lone CR); -1 when
 * the byte at `at` is no line break; undefined when more bytes are needed.
 */
function lineEnd(buf: Buffer, at: number, final: boolean): number | undefined {
  if (at >= buf.length) return final ? buf.length : undefined;
  if (buf[at] === LF) return at + 1;
  if (buf[at] !== CR) return -1;
  if (at + 1 >= buf.length) return final ? at + 1 : undefined;
  return buf[at + 1] === LF ? at + 2 : at + 1;
}

/** Line breaks between s and e (CRLF counts once), so every record knows its first line. */
function countLines(buf: Buffer, s: number, e: number): number {
  let n = 0;
  for (let i = s; i < e; i++) {
    if (buf[i] === LF) n++;
    else if (buf[i] === CR && buf[i + 1] !== LF) n++;
  }
  return n;
}

/** An empty line is one empty unquoted field: skipped, not a row. */
function isBlank(fields: Array<[number, number, boolean]>): boolean {
  return fields.length === 1 && fields[0][0] === fields[0][1] && !fields[0][2];
}

/** Reads a byte stream (an HTTP request) as CSV items; the source is consumed at the caller's pace. */
export async function* readCsv(
  source: AsyncIterable<Buffer | string>,
  opts: CsvReaderOptions,
): AsyncGenerator<CsvItem> {
  const reader = new CsvRecordReader(opts);
  for await (const chunk of source) {
    yield* reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  yield* reader.end();
}
