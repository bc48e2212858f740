import { fromDomain } from './from-domain';

describe('fromDomain', () => {
  it.each([
    ['bare address', 'news@Example.COM', 'example.com'],
    ['display name and angle-addr', ' Acme News <news@example.com>', 'example.com'],
    [
      'quoted name with a comma and an @',
      '"Smith, J <j@evil.test>" <j@example.com>',
      'example.com',
    ],
    ['comment after the address', 'news@example.com (Acme (News))', 'example.com'],
    ['comment holding an address', '(evil@evil.test) news@example.com', 'example.com'],
    ['quoted local part with an @', '"a@b"@example.com', 'example.com'],
    ['folded value', 'Acme\r\n <news@example.com>', 'example.com'],
    ['trailing dot', 'news@example.com.', 'example.com'],
    ['Unicode domain', 'news@bücher.example', 'xn--bcher-kva.example'],
    ['group with one mailbox', 'Team: news@example.com;', 'example.com'],
    ['encoded display name', '=?UTF-8?Q?B=C3=BCcher?= <news@example.com>', 'example.com'],
  ])('finds the domain of a %s', (_case, value, domain) => {
    expect(fromDomain(value)).toEqual({ kind: 'one', domain });
  });

  it.each([
    ['an empty value', ''],
    ['a name without address', 'undisclosed'],
    ['an empty group', 'undisclosed-recipients:;'],
    ['a domain literal', 'a@[192.0.2.1]'],
    ['an invalid domain', 'a@exa_mple.com'],
  ])('finds no domain in %s', (_case, value) => {
    expect(fromDomain(value)).toEqual({ kind: 'none' });
  });

  it.each([
    ['two mailboxes', 'a@example.com, b@example.com'],
    ['a group of two', 'Team: a@example.com, b@example.com;'],
  ])('reports several authors for %s', (_case, value) => {
    expect(fromDomain(value)).toEqual({ kind: 'many' });
  });
});
