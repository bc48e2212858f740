import { clientKey } from './client-address';

describe('clientKey', () => {
  it('keys an IPv4 peer by its address, also when a dual-stack socket maps it', () => {
    expect(clientKey('192.0.2.7')).toBe('192.0.2.7');
    expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
  });

  it('keys every address of one IPv6 /64 alike', () => {
    const a = clientKey('2001:db8:1:2::1');
    expect(a).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:ffff:eeee:dddd:cccc')).toBe(a);
    expect(clientKey('2001:db8:1:3::1')).not.toBe(a);
  });

  it('expands "::" at either end and an embedded IPv4 tail', () => {
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('fe80::')).toBe('fe80:0:0:0::/64');
    expect(clientKey('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  });

  it('puts anything that is not an IP address in one bounded bucket', () => {
    expect(clientKey('')).toBe('other:');
    expect(clientKey('x'.repeat(500))).toHaveLength('other:'.length + 64);
  });
});
