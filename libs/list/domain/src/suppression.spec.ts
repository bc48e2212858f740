import { checkDomainName } from './email-address';
import {
  addressHash,
  checkSuppressionInput,
  parsePublicSuppressionId,
  publicSuppressionId,
  suppressionKey,
  suppressionKeysFor,
} from './suppression';

const refused = (body: unknown) => {
  const r = checkSuppressionInput(body);
  if (r.ok) throw new Error(`expected ${JSON.stringify(body)} to be refused`);
  return r.problem;
};

describe('addressHash', () => {
  it('is the sha256 of the lower-cased address, so case variants are one entry', () => {
    expect(addressHash('Ann@Example.com')).toBe(addressHash('ann@example.com'));
    expect(addressHash('ann@example.com')).toMatch(/^[0-9a-f]{64}$/);
    expect(addressHash('ann@example.com')).not.toBe(addressHash('ann@example.org'));
  });
});

describe('suppression keys', () => {
  it('covers the address, its domain and every parent domain down to two labels', () => {
    const h = addressHash('a@mail.example.co.uk');
    expect(suppressionKeysFor('t1', 'a@Mail.Example.co.uk')).toEqual([
      `t1:a:${h}`,
      't1:d:mail.example.co.uk',
      't1:d:example.co.uk',
      't1:d:co.uk',
    ]);
  });

  it('takes the domain after the last "@", as a quoted local part may contain one', () => {
    expect(suppressionKeysFor('t1', '"a@b"@example.com').slice(1)).toEqual(['t1:d:example.com']);
  });

  it('prefixes the tenant, so tenants never share an entry', () => {
    const target = { kind: 'domain' as const, domain: 'example.com' };
    expect(suppressionKey('t1', target)).not.toBe(suppressionKey('t2', target));
  });

  it('round-trips public ids and refuses anything else', () => {
    const address = { kind: 'address' as const, hash: addressHash('a@b.co') };
    expect(parsePublicSuppressionId(publicSuppressionId(address))).toEqual(address);
    expect(parsePublicSuppressionId('d:example.com')).toEqual({
      kind: 'domain',
      domain: 'example.com',
    });
    for (const bad of ['', 'a:xyz', `a:${'A'.repeat(64)}`, 'd:', 'd:Example.com', 'd:no', 'x:1'])
      expect(parsePublicSuppressionId(bad)).toBeUndefined();
  });
});

describe('checkSuppressionInput', () => {
  it('normalises an address and defaults reason to manual and source to api', () => {
    expect(checkSuppressionInput({ address: ' Ann@Example.COM ' })).toEqual({
      ok: true,
      value: {
        target: {
          kind: 'address',
          address: 'Ann@example.com',
          hash: addressHash('ann@example.com'),
        },
        reason: 'manual',
        source: 'api',
      },
    });
  });

  it('normalises a domain to lower-case punycode', () => {
    expect(
      checkSuppressionInput({ domain: 'Bücher.DE', reason: 'complaint', source: 'import' }),
    ).toEqual({
      ok: true,
      value: {
        target: { kind: 'domain', domain: 'xn--bcher-kva.de' },
        reason: 'complaint',
        source: 'import',
      },
    });
  });

  it.each<[unknown, string, string]>([
    [null, 'INVALID_SUPPRESSION', 'body'],
    [[], 'INVALID_SUPPRESSION', 'body'],
    [{}, 'INVALID_SUPPRESSION', 'address'],
    [{ address: 'a@b.co', domain: 'b.co' }, 'INVALID_SUPPRESSION', 'address'],
    [{ address: 'nope' }, 'INVALID_EMAIL', 'address'],
    [{ domain: 'localhost' }, 'INVALID_DOMAIN', 'domain'],
    [{ domain: 'a@b.co' }, 'INVALID_DOMAIN', 'domain'],
    [{ domain: 'exa mple.com' }, 'INVALID_DOMAIN', 'domain'],
    [{ domain: 42 }, 'INVALID_DOMAIN', 'domain'],
    [{ address: 'a@b.co', reason: 'erased' }, 'INVALID_REASON', 'reason'],
    [{ address: 'a@b.co', reason: 'soft_bounce' }, 'INVALID_REASON', 'reason'],
    [{ address: 'a@b.co', reason: 'spam' }, 'INVALID_REASON', 'reason'],
    [{ address: 'a@b.co', source: '' }, 'INVALID_SUPPRESSION', 'source'],
    [{ address: 'a@b.co', source: 'x'.repeat(201) }, 'INVALID_SUPPRESSION', 'source'],
    [{ address: 'a@b.co', source: 'a\nb' }, 'INVALID_SUPPRESSION', 'source'],
    [{ address: 'a@b.co', note: 'x' }, 'UNKNOWN_FIELD', 'note'],
  ])('refuses %j with %s on %s', (body, code, field) => {
    expect(refused(body)).toMatchObject({ code, field });
  });

  it('names the allowed reasons when refusing one', () => {
    expect(refused({ address: 'a@b.co', reason: 'erased' }).message).toBe(
      'reason must be one of manual, hard_bounce, complaint, unsubscribed_all',
    );
  });
});

describe('checkDomainName', () => {
  it('accepts and normalises a host name', () => {
    expect(checkDomainName(' Example.COM ')).toEqual({ ok: true, value: 'example.com' });
  });

  it.each<[unknown, RegExp]>([
    [undefined, /must be a string/],
    ['', /is empty/],
    ['a@b.com', /contains "@"/],
    ['example', /without a top-level domain/],
    ['.example.com', /starting with "."/],
    ['ex_ample.com', /"_" in the domain/],
    ['example.com\n', /control character/],
  ])('refuses %j', (input, reason) => {
    const r = checkDomainName(input);
    expect(r.ok ? 'accepted' : r.reason).toMatch(reason);
  });
});
