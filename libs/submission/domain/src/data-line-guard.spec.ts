import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataLineGuard, findDataViolation, findLongLine } from './data-line-guard';

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
});
