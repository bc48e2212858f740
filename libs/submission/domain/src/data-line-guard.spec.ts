import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DataLineGuard,
  findDataViolation,
  findLongLine,
  LineEndingScanner,
  type DataViolation,
  type LongLine,
} from './data-line-guard';

const b = (s: string) => Buffer.from(s, 'latin1');

// What smtp-server hands onData for each smuggling ending: it only ends DATA on
// CRLF.CRLF, so the fake ending and the smuggled commands arrive as content.
const SMUGGLED = 'MAIL FROM:<evil@x.test>\r\nRCPT TO:<v@y.test>\r\nDATA\r\nx\r\n';
const smugglingEndings: Array<[string, string]> = [
  ['\\n.\\r\\n', '\n.\r\n'],
  ['\\n.\\n', '\n.\n'],
  ['\\r.\\r', '\r.\r'],
  ['\\r\\n.\\n', '\r\n.\n'],
  ['\\r\\n\\x00.\\r\\n', '\r\n\x00.\r\n'],
  ['\\r.\\r\\n', '\r.\r\n'],
  ['\\r\\n.\\r', '\r\n.\r'],
  ['\\n\\n.\\n\\n', '\n\n.\n\n'],
  ['\\r\\r.\\r\\r', '\r\r.\r\r'],
  ['\\r\\n.\\x00\\r\\n', '\r\n.\x00\r\n'],
];

describe('DataLineGuard', () => {
  it('accepts a message with CRLF line endings only', () => {
    expect(findDataViolation(b('Subject: hi\r\n\r\nbody\r\n.dot line\r\n'))).toBeUndefined();
  });

  it.each(smugglingEndings)('refuses the smuggling ending %s inside DATA', (_name, ending) => {
    const v = findDataViolation(b(`Subject: hi\r\n\r\nbody${ending}${SMUGGLED}`));
    expect(v).toBeDefined();
  });

  it('reports a bare LF with its offset', () => {
    expect(findDataViolation(b('a\r\nb\nc\r\n'))).toEqual({ kind: 'BARE_LF', offset: 4 });
  });

  it('reports a bare CR with its offset', () => {
    expect(findDataViolation(b('a\rb\r\n'))).toEqual({ kind: 'BARE_CR', offset: 1 });
  });

  it('reports a NUL byte', () => {
    expect(findDataViolation(b('a\r\n\x00\r\n'))).toEqual({ kind: 'NUL', offset: 3 });
  });

  it('reports a CR left dangling at the end of the message', () => {
    expect(findDataViolation(b('a\r\nb\r'))).toEqual({ kind: 'BARE_CR', offset: 4 });
  });

  it('keeps CR/LF state across chunk boundaries and passes bytes through unchanged', async () => {
    const guard = new DataLineGuard();
    const out: Buffer[] = [];
    await pipeline(Readable.from([b('line\r'), b('\nnext\r'), b('\n')]), guard, async (src) => {
      for await (const c of src) out.push(c as Buffer);
    });
    expect(guard.violation).toBeUndefined();
    expect(Buffer.concat(out).toString('latin1')).toBe('line\r\nnext\r\n');
  });

  it('detects a bare LF split from its CR-less predecessor across chunks', async () => {
    const guard = new DataLineGuard();
    await pipeline(Readable.from([b('line'), b('\n.'), b('\r\n')]), guard, async (src) => {
      for await (const _ of src) void _;
    });
    expect(guard.violation).toEqual({ kind: 'BARE_LF', offset: 4 });
  });

  it('accepts a line of exactly 1000 octets including CRLF', () => {
    expect(findLongLine(b(`Subject: x\r\n\r\n${'a'.repeat(998)}\r\n`))).toBeUndefined();
  });

  it('reports the first line over 1000 octets including CRLF, with its start offset', () => {
    const msg = `Subject: x\r\n\r\n${'a'.repeat(999)}\r\n${'b'.repeat(2000)}\r\n`;
    expect(findLongLine(b(msg))).toEqual({ offset: 14 });
  });

  it('measures a line across chunk boundaries and with a configured limit', async () => {
    const guard = new DataLineGuard(10);
    await pipeline(
      Readable.from([b('12345'), b('678\r\n'), b('123456'), b('789\r\n')]),
      guard,
      async (src) => {
        for await (const _ of src) void _;
      },
    );
    expect(guard.longLine).toEqual({ offset: 10 });
    expect(guard.violation).toBeUndefined();
  });

  it('finds what a byte-by-byte reading finds, for any bytes and any chunking', () => {
    // Seeded, so a failure can be replayed; the alphabet is what matters to the guard.
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = [0x41, 0x41, 0x41, 0x41, 0x0d, 0x0a, 0x0d, 0x0a, 0x00];
    for (let round = 0; round < 3000; round++) {
      const bytes = Uint8Array.from({ length: next(40) }, () => alphabet[next(alphabet.length)]);
      const maxLine = 1 + next(8);
      const scanner = new LineEndingScanner(maxLine);
      for (let at = 0; at < bytes.length;) {
        const size = 1 + next(6);
        scanner.feed(bytes.subarray(at, at + size));
        at += size;
      }
      const found = scanner.finish();
      const expected = byteByByte(bytes, maxLine);
      expect({ found, long: scanner.longLine, bytes: Array.from(bytes), maxLine }).toEqual({
        ...expected,
        bytes: Array.from(bytes),
        maxLine,
      });
    }
  });
});

/** The guard's rules read one byte at a time: the reference for the scanner. */
function byteByByte(
  bytes: Uint8Array,
  maxLine: number,
): { found?: DataViolation; long?: LongLine } {
  let afterCr = false;
  let lineBytes = 0;
  let long: LongLine | undefined;
  for (let offset = 0; offset < bytes.length; offset++) {
    const c = bytes[offset];
    if (afterCr && c !== 0x0a) return { found: { kind: 'BARE_CR', offset: offset - 1 }, long };
    if (c === 0x0a && !afterCr) return { found: { kind: 'BARE_LF', offset }, long };
    if (c === 0x00) return { found: { kind: 'NUL', offset }, long };
    lineBytes++;
    if (lineBytes > maxLine && !long) long = { offset: offset - lineBytes + 1 };
    if (c === 0x0a) lineBytes = 0;
    afterCr = c === 0x0d;
  }
  if (afterCr) return { found: { kind: 'BARE_CR', offset: bytes.length - 1 }, long };
  return { found: undefined, long };
}
