import { InvalidRecipientError, routingKeyOf, splitByRoutingKey } from './envelope-split';

describe('envelope split by routing key', () => {
  it('uses the lower-case ASCII domain as routing key', () => {
    expect(routingKeyOf('Bob@Example.COM')).toBe('example.com');
    expect(routingKeyOf('anna@bücher.example')).toBe('xn--bcher-kva.example');
  });

  it('groups recipients per domain in first-seen order and drops exact duplicates', () => {
    expect(splitByRoutingKey(['a@x.test', 'b@Y.test', 'c@X.TEST', 'a@x.test', 'd@y.test'])).toEqual(
      [
        { routingKey: 'x.test', recipients: ['a@x.test', 'c@X.TEST'] },
        { routingKey: 'y.test', recipients: ['b@Y.test', 'd@y.test'] },
      ],
    );
  });

  it('refuses an address without a domain', () => {
    expect(() => routingKeyOf('postmaster')).toThrow(InvalidRecipientError);
  });
});
