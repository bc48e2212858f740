import { bodyKind, checkMultipartBody, checkUrlencodedBody } from './one-click-body';

function multipart(boundary: string, parts: Array<[string, string]>): Buffer {
  const body = parts
    .map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    )
    .join('');
  return Buffer.from(`${body}--${boundary}--\r\n`, 'latin1');
}

describe('one-click body', () => {
  it('tells the two RFC 8058 encodings from anything else, ignoring case and parameters', () => {
    expect(bodyKind('application/x-www-form-urlencoded; charset=UTF-8')).toBe('urlencoded');
    expect(bodyKind('Multipart/Form-Data; boundary=x')).toBe('multipart');
    expect(bodyKind('application/json')).toBe('other');
    expect(bodyKind('text/plain')).toBe('other');
    expect(bodyKind(undefined)).toBe('other');
  });

  it('accepts List-Unsubscribe=One-Click urlencoded, also next to other fields', () => {
    expect(checkUrlencodedBody({ 'List-Unsubscribe': 'One-Click' })).toEqual({ ok: true });
    expect(checkUrlencodedBody({ 'List-Unsubscribe': 'One-Click', extra: '1' })).toEqual({
      ok: true,
    });
  });

  it.each<[unknown]>([
    [{}],
    [undefined],
    [{ 'List-Unsubscribe': 'one-click' }],
    [{ 'List-Unsubscribe': 'Yes' }],
    [{ 'list-unsubscribe': 'One-Click' }],
    [{ 'List-Unsubscribe': ['One-Click', 'One-Click'] }],
  ])('refuses the urlencoded body %j, naming what is expected', (parsed) => {
    expect(checkUrlencodedBody(parsed)).toEqual({
      ok: false,
      reason: expect.stringContaining('List-Unsubscribe=One-Click (RFC 8058)'),
    });
  });

  it('accepts the multipart/form-data body mail clients send, with a quoted boundary too', () => {
    const raw = multipart('----b0undary', [['List-Unsubscribe', 'One-Click']]);
    expect(checkMultipartBody('multipart/form-data; boundary=----b0undary', raw)).toEqual({
      ok: true,
    });
    expect(checkMultipartBody('multipart/form-data; boundary="----b0undary"', raw)).toEqual({
      ok: true,
    });
    const twoParts = multipart('xyz', [
      ['other', 'value'],
      ['List-Unsubscribe', 'One-Click'],
    ]);
    expect(checkMultipartBody('multipart/form-data; boundary=xyz', twoParts)).toEqual({ ok: true });
  });

  it('refuses multipart without a boundary, without the field, or with another value', () => {
    const raw = multipart('xyz', [['List-Unsubscribe', 'One-Click']]);
    expect(checkMultipartBody('multipart/form-data', raw)).toEqual({
      ok: false,
      reason: 'multipart/form-data without a boundary parameter',
    });
    expect(checkMultipartBody('multipart/form-data; boundary=other', raw).ok).toBe(false);
    expect(
      checkMultipartBody(
        'multipart/form-data; boundary=xyz',
        multipart('xyz', [['List-Unsubscribe', 'Nope']]),
      ).ok,
    ).toBe(false);
    expect(
      checkMultipartBody(
        'multipart/form-data; boundary=xyz',
        multipart('xyz', [['unsubscribe', 'One-Click']]),
      ).ok,
    ).toBe(false);
    expect(checkMultipartBody('multipart/form-data; boundary=xyz', Buffer.alloc(0)).ok).toBe(false);
  });
});
