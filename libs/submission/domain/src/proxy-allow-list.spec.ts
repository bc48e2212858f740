import { ProxyAllowList, ProxyAllowListError } from './proxy-allow-list';

describe('ProxyAllowList', () => {
  it('is off when the setting is empty, and then trusts no peer', () => {
    const list = ProxyAllowList.parse('');
    expect(list.enabled).toBe(false);
    expect(list.contains('127.0.0.1')).toBe(false);
  });

  it('matches IPv4 peers inside a listed CIDR and refuses those outside', () => {
    const list = ProxyAllowList.parse('10.0.0.0/8, 192.0.2.10');
    expect(list.enabled).toBe(true);
    expect(list.contains('10.20.30.40')).toBe(true);
    expect(list.contains('192.0.2.10')).toBe(true);
    expect(list.contains('192.0.2.11')).toBe(false);
    expect(list.contains('11.0.0.1')).toBe(false);
  });

  it('matches an IPv4-mapped IPv6 peer (dual-stack listener) against its IPv4 entry', () => {
    expect(ProxyAllowList.parse('127.0.0.0/8').contains('::ffff:127.0.0.1')).toBe(true);
  });

  it('matches IPv6 peers inside a listed prefix', () => {
    const list = ProxyAllowList.parse('2001:db8::/32 ::1');
    expect(list.contains('2001:db8:1::5')).toBe(true);
    expect(list.contains('::1')).toBe(true);
    expect(list.contains('2001:db9::1')).toBe(false);
  });

  it('never trusts a missing or malformed peer address', () => {
    const list = ProxyAllowList.parse('0.0.0.0/0');
    expect(list.contains(undefined)).toBe(false);
    expect(list.contains('not-an-ip')).toBe(false);
  });

  it.each([
    '10.0.0.0/33',
    '2001:db8::/129',
    'lb.internal',
    '10.0.0.0/8/1',
    '10.0.0.0/x',
    '10.0.0.0/',
  ])('refuses the entry %s with a coded error', (entry) => {
    expect(() => ProxyAllowList.parse(entry)).toThrow(ProxyAllowListError);
    try {
      ProxyAllowList.parse(entry);
    } catch (err) {
      expect((err as ProxyAllowListError).code).toBe('SUBMISSION_PROXY_CIDR_INVALID');
      expect((err as Error).message).toContain(entry);
    }
  });
});
