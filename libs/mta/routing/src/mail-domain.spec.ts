import { normalizeDomain, parseMailAddress, routingKeyDomain } from './mail-domain';

describe('mail domains and addresses', () => {
  it('canonicalises a domain to lower case without the root dot', () => {
    expect(normalizeDomain('Example.COM.')).toBe('example.com');
    expect(normalizeDomain('xn--bcher-kva.example')).toBe('xn--bcher-kva.example');
  });

  it('rejects names that are not ASCII host names', () => {
    for (const bad of [
      '',
      'exa mple.com',
      '-a.com',
      'a-.com',
      'a..com',
      'bücher.example',
      `${'a'.repeat(64)}.com`,
    ]) {
      expect(normalizeDomain(bad)).toBeUndefined();
    }
  });

  it('splits an address at its last @ and canonicalises the domain', () => {
    expect(parseMailAddress('Jane.Doe+tag@Example.com')).toEqual({
      localPart: 'Jane.Doe+tag',
      domain: 'example.com',
      smtp: 'Jane.Doe+tag@example.com',
    });
  });

  it('routes an internationalised domain by its A-label', () => {
    expect(parseMailAddress('anna@Bücher.example')).toEqual({
      localPart: 'anna',
      domain: 'xn--bcher-kva.example',
      smtp: 'anna@xn--bcher-kva.example',
    });
  });

  it('refuses addresses that cannot be put on an SMTP command line', () => {
    for (const bad of [
      'no-at-sign',
      '@example.com',
      'a b@example.com',
      'a<b@example.com',
      'a@example.com.',
      'a@[192.0.2.1]',
      'a@exa mple.com',
      'a@-bad.com',
      `${'x'.repeat(65)}@example.com`,
    ]) {
      expect(parseMailAddress(bad)).toBeUndefined();
    }
  });

  it('reads the domain of a plain and of a sharded routing key', () => {
    expect(routingKeyDomain('example.com')).toBe('example.com');
    expect(routingKeyDomain('gmail.com#3')).toBe('gmail.com');
    expect(routingKeyDomain('not a domain')).toBeUndefined();
  });
});
