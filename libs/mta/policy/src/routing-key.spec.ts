import { PolicyArgumentError } from './policy.errors';
import { parseRoutingKey, routingKeyFor, shardOf } from './routing-key';

describe('shardOf', () => {
  it('is pinned: these values must never change, or mail in flight changes shard', () => {
    expect(shardOf('alice@gmail.com', 4)).toBe(shardOf('alice@gmail.com', 4));
    expect([0, 1, 2, 3].map((i) => shardOf(`user${i}@gmail.com`, 8))).toEqual(PINNED);
  });

  it('ignores case and surrounding spaces of the address', () => {
    expect(shardOf(' Alice@Gmail.COM ', 16)).toBe(shardOf('alice@gmail.com', 16));
  });

  it('is always 0 with one shard', () => {
    expect(shardOf('anyone@example.com', 1)).toBe(0);
  });

  it('spreads many recipients evenly over the shards', () => {
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[shardOf(`subscriber-${i}@example.com`, 8)]++;
    for (const count of counts) {
      expect(count).toBeGreaterThan(850);
      expect(count).toBeLessThan(1150);
    }
  });

  it('refuses a shard count out of range', () => {
    for (const bad of [0, -1, 1.5, 257, NaN]) {
      expect(() => shardOf('a@b.test', bad)).toThrow(PolicyArgumentError);
    }
  });
});

// First 4 bytes of SHA-256 of "user0@gmail.com" .. "user3@gmail.com", modulo 8 (computed outside this code).
const PINNED = [6, 2, 7, 4];

describe('routingKeyFor and parseRoutingKey', () => {
  it('gives the bare domain for one shard and domain#n otherwise', () => {
    expect(routingKeyFor('Example.COM', 0, 1)).toBe('example.com');
    expect(routingKeyFor('gmail.com', 3, 4)).toBe('gmail.com#3');
  });

  it('refuses a shard outside 0..shards-1 and a bad domain', () => {
    expect(() => routingKeyFor('gmail.com', 4, 4)).toThrow(/from 0 to 3/);
    expect(() => routingKeyFor('gmail.com', -1, 4)).toThrow(PolicyArgumentError);
    expect(() => routingKeyFor('not a domain', 0, 1)).toThrow(/not a domain name/);
  });

  it('reads back what routingKeyFor writes', () => {
    expect(parseRoutingKey(routingKeyFor('gmail.com', 3, 4))).toEqual({
      domain: 'gmail.com',
      shard: 3,
    });
    expect(parseRoutingKey('example.com')).toEqual({ domain: 'example.com', shard: 0 });
  });

  it('refuses malformed keys', () => {
    for (const bad of [
      '',
      '#1',
      'gmail.com#',
      'gmail.com#x',
      'gmail.com#01',
      'gmail.com#256',
      'a b#1',
    ]) {
      expect(parseRoutingKey(bad)).toBeUndefined();
    }
  });
});
