import { checkEmailAddress, EMAIL_LIMITS } from './email-address';

const normalised = (input: unknown): string => {
  const r = checkEmailAddress(input);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(input)} to be valid, got: ${r.reason}`);
  return r.value.address;
};
const reason = (input: unknown): string => {
  const r = checkEmailAddress(input);
  if (r.ok)
    throw new Error(`expected ${JSON.stringify(input)} to be refused, got ${r.value.address}`);
  return r.reason;
};

describe('checkEmailAddress', () => {
  describe('accepts real-world addresses as they are', () => {
    it.each([
      'john@example.com',
      'john.doe@example.com',
      'john.doe+newsletter@example.com',
      'j@e.co',
      'first_last@sub.domain.example.org',
      "o'reilly@example.ie",
      'user-name@my-domain.co.uk',
      '1234567890@numbers.example',
      'x@xn--bcher-kva.de',
      'info@example.museum',
      'postmaster@a-b.c-d.example',
      "!#$%&'*+-/=?^_`{|}~@example.com",
      'user%relay@example.com',
      'a.b.c.d.e@example.travel',
      'Jane.Doe@example.com',
    ])('%s', (address) => {
      expect(normalised(address)).toBe(address);
    });
  });

  describe('normalises', () => {
    it('lower-cases the domain but keeps the local part as written (RFC 5321 §2.4)', () => {
      expect(normalised('Jane.Doe@Example.COM')).toBe('Jane.Doe@example.com');
    });

    it('converts an internationalised domain to punycode', () => {
      expect(normalised('hans@bücher.de')).toBe('hans@xn--bcher-kva.de');
      expect(normalised('kontakt@MÜNCHEN.de')).toBe('kontakt@xn--mnchen-3ya.de');
      expect(normalised('info@例え.テスト')).toBe('info@xn--r8jz45g.xn--zckzah');
      expect(normalised('snow@☃.net')).toBe('snow@xn--n3h.net');
    });

    it('maps full-width characters in the domain (UTS #46)', () => {
      expect(normalised('a@ｅｘａｍｐｌｅ.com')).toBe('a@example.com');
    });

    it('trims surrounding spaces and tabs, as pasted or imported values often carry them', () => {
      expect(normalised('  john@example.com\t')).toBe('john@example.com');
    });

    it('unquotes a quoted local part that needs no quotes', () => {
      expect(normalised('"john.doe"@example.com')).toBe('john.doe@example.com');
      expect(normalised('"jo\\hn"@example.com')).toBe('john@example.com');
    });

    it('keeps quotes that are needed, with minimal escaping', () => {
      expect(normalised('"john doe"@example.com')).toBe('"john doe"@example.com');
      expect(normalised('"john..doe"@example.com')).toBe('"john..doe"@example.com');
      expect(normalised('"a@b"@example.com')).toBe('"a@b"@example.com');
      expect(normalised('"say \\"hi\\""@example.com')).toBe('"say \\"hi\\""@example.com');
      expect(normalised('"back\\\\slash"@example.com')).toBe('"back\\\\slash"@example.com');
    });

    it('returns the parts separately', () => {
      const r = checkEmailAddress('Ann@Example.org');
      expect(r).toEqual({
        ok: true,
        value: { address: 'Ann@example.org', localPart: 'Ann', domain: 'example.org' },
      });
    });
  });

  describe('refuses with a specific reason', () => {
    it.each<[unknown, RegExp]>([
      [undefined, /must be a string/],
      [42, /must be a string/],
      [{ email: 'a@b.com' }, /must be a string/],
      ['', /is empty/],
      ['   ', /is empty/],
      ['john.example.com', /missing "@"/],
      ['john@', /empty domain/],
      ['@example.com', /empty local part/],
      ['john@doe@example.com', /more than one "@"/],
      ['John Doe <john@example.com>', /display name/],
      ['<john@example.com>', /display name/],
      ['"John" john@example.com', /"@" right after the quoted local part/],
      ['john doe@example.com', /contains a space/],
      ['john@exa mple.com', /space in the domain/],
      ['john@example.com\r\nBcc: victim@example.org', /line break/],
      ['john@example.com\n', /line break/],
      ['john\u0000@example.com', /control character/],
      ['.john@example.com', /local part starting with "."/],
      ['john.@example.com', /local part ending with "."/],
      ['john..doe@example.com', /consecutive dots \(".."\) in the local part/],
      ['john@example..com', /consecutive dots \(".."\) in the domain/],
      ['john@.example.com', /domain starting with "."/],
      ['john@example.com.', /domain ending with "."/],
      ['jo(hn)@example.com', /"\(" in the local part/],
      ['john,doe@example.com', /"," in the local part/],
      ['jo"hn@example.com', /""" in the local part/],
      ['john@example_domain.com', /"_" in the domain/],
      ['john@exa!mple.com', /"!" in the domain/],
      ['john@-example.com', /starts or ends with "-"/],
      ['john@example-.com', /starts or ends with "-"/],
      ['john@localhost', /without a top-level domain/],
      ['john@192.168.0.1', /numeric top-level domain/],
      ['john@[192.168.0.1]', /address literal/],
      ['john@[IPv6:2001:db8::1]', /address literal/],
      ['"unterminated@example.com', /without its closing quote/],
      ['""@example.com', /empty quoted local part/],
      ['"tab\there"@example.com', /tab in the quoted local part/],
      ['"john"', /missing "@" and a domain/],
      ['john@xn--zz.com', /not valid punycode/],
    ])('%j', (input, expected) => {
      expect(reason(input)).toMatch(expected);
    });

    it('refuses a non-ASCII local part, naming SMTPUTF8', () => {
      expect(reason('jöhn@example.com')).toMatch(/non-ASCII local part.*SMTPUTF8/);
      expect(reason('用户@例子.广告')).toMatch(/SMTPUTF8/);
      expect(reason('"jöhn"@example.com')).toMatch(/SMTPUTF8/);
    });

    it('refuses an invalid internationalised domain', () => {
      expect(reason('a@x\u0663\u06f3.de')).toMatch(/not a valid internationalised domain name/);
      expect(reason('a@\u00e4.xn--zz')).toMatch(/not a valid internationalised domain name/);
    });
  });

  describe('lengths', () => {
    it('accepts a local part of exactly 64 octets and refuses 65', () => {
      expect(normalised(`${'a'.repeat(64)}@example.com`)).toHaveLength(64 + 12);
      expect(reason(`${'a'.repeat(65)}@example.com`)).toMatch(
        /local part of 65 characters; the limit is 64/,
      );
    });

    it('counts the quoted form of the local part', () => {
      expect(reason(`"${' '.repeat(63)}"@example.com`)).toMatch(/limit is 64/);
    });

    it('refuses a domain label over 63 octets', () => {
      expect(normalised(`a@${'b'.repeat(63)}.com`)).toContain('b'.repeat(63));
      expect(reason(`a@${'b'.repeat(64)}.com`)).toMatch(/label of 64 characters; the limit is 63/);
    });

    it('refuses an address over 254 octets even when each part is within its limit', () => {
      const domain = `${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.${'g'.repeat(60)}.com`;
      const ok = `${'a'.repeat(254 - 1 - domain.length)}@${domain}`;
      expect(ok).toHaveLength(EMAIL_LIMITS.addressOctets);
      expect(normalised(ok)).toBe(ok);
      expect(reason(`a${ok}`)).toMatch(/255 characters long; the limit is 254/);
    });

    it('refuses a domain over 255 octets', () => {
      const domain = Array.from({ length: 5 }, () => 'x'.repeat(63)).join('.');
      expect(reason(`a@${domain}`)).toMatch(/domain of 319 characters; the limit is 255/);
    });

    it('measures an internationalised domain after punycode conversion', () => {
      const label = 'ü'.repeat(60);
      expect(reason(`a@${label}.de`)).toMatch(/label of \d+ characters; the limit is 63/);
    });
  });
});
