import { createHash } from 'node:crypto';
import { splitMessage, toCrlf } from './message-headers';
import { relaxedBodyHash, relaxedHeader } from './relaxed-canonicalization';

const sha256 = (text: string) => createHash('sha256').update(text, 'latin1').digest('base64');
const bodyHash = (body: string) => relaxedBodyHash(Buffer.from(`X: y\r\n\r\n${body}`, 'latin1'), 8);

describe('relaxed canonicalization (RFC 6376 §3.4.2, §3.4.4)', () => {
  it('reproduces the header example of RFC 6376 §3.4.5', () => {
    const { fields } = splitMessage(Buffer.from('A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n'));
    expect(fields.map(relaxedHeader)).toEqual(['a:X', 'b:Y Z']);
  });

  it('reproduces the body example of RFC 6376 §3.4.5', () => {
    expect(bodyHash(' C \r\nD \t E\r\n\r\n\r\n')).toBe(sha256(' C\r\nD E\r\n'));
  });

  it('hashes an empty body as the empty string and adds the missing final CRLF otherwise', () => {
    expect(bodyHash('')).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
    expect(bodyHash('\r\n \t\r\n')).toBe(sha256(''));
    expect(bodyHash('last line')).toBe(sha256('last line\r\n'));
  });

  // RFC 6376 §3.4.4 step by step on strings: slow, but plainly the text of the RFC.
  const reference = (body: string) => {
    const lines = body.split('\r\n').map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`;
  };

  it.each([
    ['already relaxed', 'line one\r\nline two\r\n'],
    ['already relaxed, trailing empty lines', 'a b\r\n\r\n\r\n'],
    ['already relaxed, no final CRLF', 'a b\r\nc'],
    ['a final space without CRLF', 'a b\r\nc '],
    ['a final whitespace-only line', 'a\r\n '],
    ['leading space on lines', ' a\r\n b\r\n'],
    ['tabs', '\ta\tb\t\r\n'],
    ['double spaces', 'a  b\r\n'],
    ['space before CRLF', 'a \r\nb\r\n'],
    ['whitespace-only lines inside', 'a\r\n \t \r\n\r\nb\r\n'],
    ['base64 lines', 'SGVsbG8gd29ybGQ=\r\nSGVsbG8=\r\n\r\n'],
  ])('matches the RFC text for a body with %s', (_case, body) => {
    expect(bodyHash(body)).toBe(sha256(reference(body)));
  });

  it('keeps a bare CR as content and leaves 8-bit bytes alone', () => {
    expect(bodyHash('a\rb \r\n')).toBe(sha256('a\rb\r\n'));
    const utf8 = Buffer.from('Grüße à\r\n', 'utf8').toString('latin1');
    expect(bodyHash(utf8)).toBe(sha256(utf8));
  });

  it('does not strip 0xA0 bytes (the tail of many UTF-8 characters) at the end of a header value', () => {
    const value = Buffer.from('Subject: voilà\r\n\r\n', 'utf8');
    const [field] = splitMessage(value).fields;
    expect(Buffer.from(relaxedHeader(field), 'latin1').toString('utf8')).toBe('subject:voilà');
  });
});

describe('toCrlf', () => {
  it('turns bare LFs into CRLF and keeps existing CRLFs', () => {
    expect(toCrlf(Buffer.from('a\nb\r\nc\n\nd')).toString()).toBe('a\r\nb\r\nc\r\n\r\nd');
    expect(toCrlf(Buffer.from('\nx')).toString()).toBe('\r\nx');
  });

  it('returns the same Buffer when there is nothing to change', () => {
    const crlf = Buffer.from('a\r\nb\r\n');
    expect(toCrlf(crlf)).toBe(crlf);
  });
});

describe('splitMessage', () => {
  it('keeps folded lines with their field and finds the body after the first empty line', () => {
    const message = Buffer.from('From: a@b.c\r\nSubject: one\r\n two\r\n\r\nbody\r\n\r\nmore');
    const { fields, bodyStart } = splitMessage(message);
    expect(fields).toEqual([
      { name: 'from', raw: 'From: a@b.c' },
      { name: 'subject', raw: 'Subject: one\r\n two' },
    ]);
    expect(message.subarray(bodyStart).toString()).toBe('body\r\n\r\nmore');
  });

  it('treats a message opening with an empty line as all body', () => {
    const { fields, bodyStart } = splitMessage(Buffer.from('\r\nFrom: a@b.c\r\n'));
    expect({ fields, bodyStart }).toEqual({ fields: [], bodyStart: 2 });
  });
});
