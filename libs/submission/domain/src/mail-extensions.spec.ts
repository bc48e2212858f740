import { hasEightBitBytes, mailExtensionNeeds, utf8AddressAllowed } from './mail-extensions';

describe('SMTPUTF8 and 8BITMIME', () => {
  it('accepts a UTF-8 address only when SMTPUTF8 was declared', () => {
    expect(utf8AddressAllowed('josé@example.com', false)).toBe(false);
    expect(utf8AddressAllowed('user@bücher.example', false)).toBe(false);
    expect(utf8AddressAllowed('josé@example.com', true)).toBe(true);
    expect(utf8AddressAllowed('plain@example.com', false)).toBe(true);
  });

  it('finds 8-bit bytes anywhere in the message', () => {
    expect(hasEightBitBytes(Buffer.from('Subject: hi\r\n\r\nplain\r\n'))).toBe(false);
    expect(hasEightBitBytes(Buffer.from('Subject: hi\r\n\r\nGrüße\r\n'))).toBe(true);
  });

  it('needs SMTPUTF8 when declared or when an address is UTF-8, and 8BITMIME when declared or 8-bit', () => {
    const ascii = Buffer.from('Subject: hi\r\n\r\nplain\r\n');
    expect(
      mailExtensionNeeds({ smtpUtf8Declared: false, addresses: ['a@b.example'], message: ascii }),
    ).toEqual({ smtputf8: false, eightBitMime: false });
    expect(
      mailExtensionNeeds({ smtpUtf8Declared: true, addresses: ['a@b.example'], message: ascii }),
    ).toEqual({ smtputf8: true, eightBitMime: false });
    expect(
      mailExtensionNeeds({
        smtpUtf8Declared: false,
        bodyType: '8BITMIME',
        addresses: ['a@b.example', 'josé@c.example'],
        message: ascii,
      }),
    ).toEqual({ smtputf8: true, eightBitMime: true });
    expect(
      mailExtensionNeeds({
        smtpUtf8Declared: false,
        addresses: ['a@b.example'],
        message: Buffer.from('Subject: hi\r\n\r\nGrüße\r\n'),
      }),
    ).toEqual({ smtputf8: false, eightBitMime: true });
  });
});
