import { simpleParser } from 'mailparser';
import {
  encodeBase64,
  encodeBody,
  encodeQuotedPrintable,
  normalizeLineEnds,
} from './mime-encoding';

/** What a mail client shows for a body sent with `encoding` (mailparser turns CRLF into LF). */
async function decoded(encoding: string, bytes: Buffer): Promise<string> {
  const head = `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n`;
  const mail = await simpleParser(Buffer.concat([Buffer.from(head, 'latin1'), bytes]));
  return mail.text ?? '';
}

const lines = (bytes: Buffer) => bytes.toString('latin1').split('\r\n');
const lf = (s: string) => s.replace(/\r\n|\r/g, '\n');

const SAMPLES = [
  'plain words and = signs and trailing space \nnext line\t\n',
  'Grüße aus Zürich — ½ price! '.repeat(20),
  `${'x'.repeat(300)}\n${'y'.repeat(74)}=\n${'é'.repeat(40)}`,
  'emoji 🎉🎉🎉 between words '.repeat(12),
  'bare\rcarriage\rreturns\nand\r\nmixed',
  '\u0001 control \u007f delete',
];

describe('quoted-printable', () => {
  it.each(SAMPLES.map((s, i) => [i, s]))(
    'round-trips sample %i through mailparser',
    async (_i, text) => {
      const out = encodeQuotedPrintable(Buffer.from(text as string, 'utf8'));
      expect(await decoded('quoted-printable', out)).toBe(lf(text as string));
    },
  );

  it('keeps every line at 76 characters or fewer, the soft break included', () => {
    for (const text of SAMPLES) {
      for (const line of lines(encodeQuotedPrintable(Buffer.from(text)))) {
        expect(line.length).toBeLessThanOrEqual(76);
      }
    }
  });

  it('never splits an escape or a UTF-8 character across a soft break', () => {
    const text = `${'a'.repeat(73)}ü€🎉${'ö'.repeat(60)}`;
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (const line of lines(encodeQuotedPrintable(Buffer.from(text)))) {
      const body = line.endsWith('=') ? line.slice(0, -1) : line;
      expect(body).not.toMatch(/=(?![0-9A-F]{2})/);
      const bytes = Buffer.from(
        body.replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
        'latin1',
      );
      expect(() => decoder.decode(bytes)).not.toThrow();
    }
  });

  it('escapes "=" and a space or tab before a line end or at the very end', () => {
    expect(encodeQuotedPrintable(Buffer.from('a=b \nc\t\r\nd ')).toString('latin1')).toBe(
      'a=3Db=20\r\nc=09\r\nd=20',
    );
  });
});

describe('choice of transfer encoding', () => {
  it('sends short ASCII lines as 7bit with CRLF line ends', () => {
    const out = encodeBody('Hello\nworld\r\n');
    expect(out.encoding).toBe('7bit');
    expect(out.bytes.toString('latin1')).toBe('Hello\r\nworld\r\n');
  });

  it('uses quoted-printable for long ASCII lines and for mostly Latin text', () => {
    expect(encodeBody('a'.repeat(77)).encoding).toBe('quoted-printable');
    expect(encodeBody('Grüße aus Zürich, wir freuen uns auf Ihren Besuch.').encoding).toBe(
      'quoted-printable',
    );
  });

  it('uses base64 for text that is mostly outside ASCII, which decodes back', async () => {
    const text = 'こんにちは世界、お元気ですか。'.repeat(20);
    const out = encodeBody(text);
    expect(out.encoding).toBe('base64');
    for (const line of lines(out.bytes)) expect(line.length).toBeLessThanOrEqual(76);
    expect(await decoded('base64', out.bytes)).toBe(text);
  });

  it('does not send a body holding the boundary as 7bit, so it cannot end its part early', () => {
    const boundary = '=_pl_0123456789abcdef_alt';
    const out = encodeBody(`x\n--${boundary}--\ny`, boundary);
    expect(out.encoding).toBe('quoted-printable');
    expect(out.bytes.toString('latin1')).not.toContain(boundary);
  });

  it('never emits "=_" in quoted-printable or base64 output', () => {
    const text = '=_=_ =_pl_ Grüße '.repeat(30);
    expect(encodeQuotedPrintable(Buffer.from(text)).toString('latin1')).not.toContain('=_');
    expect(encodeBase64(Buffer.from(text)).toString('latin1')).not.toContain('=_');
  });
});

describe('line ends', () => {
  it('turns bare CR and LF into CRLF and leaves CRLF alone', () => {
    expect(normalizeLineEnds(Buffer.from('a\rb\nc\r\nd')).toString()).toBe('a\r\nb\r\nc\r\nd');
    const clean = Buffer.from('a\r\nb');
    expect(normalizeLineEnds(clean)).toBe(clean);
  });
});
