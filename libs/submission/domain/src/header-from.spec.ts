import { checkHeaderFrom, headerFields, headerFromRefusalDetail } from './header-from';

const msg = (head: string) => Buffer.from(`${head}\r\n\r\nbody\r\n`, 'utf8');
const allowed = ['example.com', 'mail.example.org'];

describe('header From alignment', () => {
  it('accepts a From address in an allowed domain, whatever the case or display name', () => {
    expect(checkHeaderFrom(msg('From: "Ex, Ample" <News@EXAMPLE.com>'), allowed)).toEqual({
      ok: true,
      domains: ['example.com'],
    });
  });

  it('reads a folded From field and checks every author of a mailbox list', () => {
    const v = checkHeaderFrom(
      msg('Subject: x\r\nFrom: a@example.com,\r\n b@evil.test\r\nTo: c@one.test'),
      allowed,
    );
    expect(v).toEqual({ ok: false, why: 'not-allowed', domain: 'evil.test' });
  });

  it('refuses a message without a From field, and one with two', () => {
    expect(checkHeaderFrom(msg('Subject: x'), allowed)).toEqual({ ok: false, why: 'missing' });
    expect(checkHeaderFrom(msg('From: a@example.com\r\nFROM: a@evil.test'), allowed)).toEqual({
      ok: false,
      why: 'repeated',
    });
  });

  it('refuses a From field with no address in it', () => {
    expect(checkHeaderFrom(msg('From: undisclosed:;'), allowed)).toEqual({
      ok: false,
      why: 'no-address',
    });
  });

  it('ignores From-like lines in the body', () => {
    expect(
      checkHeaderFrom(Buffer.from('From: a@example.com\r\n\r\nFrom: x@evil.test\r\n'), allowed),
    ).toMatchObject({ ok: true });
  });

  it('names the foreign domain in the reply only when it is a plain domain', () => {
    expect(headerFromRefusalDetail({ ok: false, why: 'not-allowed', domain: 'evil.test' })).toBe(
      '(From domain evil.test is not a sender domain of this credential)',
    );
    expect(headerFromRefusalDetail({ ok: false, why: 'not-allowed', domain: 'x\r\n250 ok' })).toBe(
      '(the From domain is not a sender domain of this credential)',
    );
  });

  it('unfolds continuation lines into the previous field', () => {
    expect(headerFields(Buffer.from('A: 1\r\n\t2\r\nB: 3\r\n\r\n'))).toEqual([
      ['A', ' 1\t2'],
      ['B', ' 3'],
    ]);
  });
});
