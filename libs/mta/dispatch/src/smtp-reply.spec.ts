import { outcomeOf, parseSmtpReply } from './smtp-reply';

describe('parseSmtpReply', () => {
  it('splits basic code, enhanced code and text', () => {
    expect(parseSmtpReply('550 5.1.1 <x@example.com>: Recipient address rejected')).toEqual({
      code: 550,
      enhancedCode: '5.1.1',
      text: '<x@example.com>: Recipient address rejected',
    });
  });

  it('reads three-digit enhanced subjects and details', () => {
    expect(parseSmtpReply('556 5.1.10 null MX')?.enhancedCode).toBe('5.1.10');
    expect(parseSmtpReply('451 4.7.650 try later')?.enhancedCode).toBe('4.7.650');
  });

  it('falls back to X.0.0 when the peer sends no enhanced code', () => {
    expect(parseSmtpReply('250 Ok: queued as ABC')).toEqual({
      code: 250,
      enhancedCode: '2.0.0',
      text: 'Ok: queued as ABC',
    });
  });

  it('ignores an enhanced code whose class contradicts the basic code', () => {
    expect(parseSmtpReply('450 5.1.1 mailbox busy')?.enhancedCode).toBe('4.0.0');
  });

  it('joins the lines of a multi-line reply', () => {
    const reply = parseSmtpReply(
      '550-5.7.1 Our policy\n550-5.7.1 says no\n550 5.7.1 see https://example.com/policy',
    );
    expect(reply).toEqual({
      code: 550,
      enhancedCode: '5.7.1',
      text: 'Our policy says no see https://example.com/policy',
    });
  });

  it('bounds the text kept from a long reply', () => {
    expect(parseSmtpReply(`550 5.7.1 ${'x'.repeat(2000)}`)?.text).toHaveLength(512);
  });

  it('returns undefined for text that is not an SMTP reply', () => {
    expect(parseSmtpReply(undefined)).toBeUndefined();
    expect(parseSmtpReply('Connection closed')).toBeUndefined();
  });
});

describe('outcomeOf', () => {
  it('delivers on 2xx, bounces on 5xx and defers anything else', () => {
    expect([250, 251, 550, 554, 421, 451, 354].map(outcomeOf)).toEqual([
      'delivered',
      'delivered',
      'bounced',
      'bounced',
      'deferred',
      'deferred',
      'deferred',
    ]);
  });
});
