import { SourcePoolError, parseSourcePools } from './source-pools';

describe('source pools', () => {
  it('binds nothing when no pools are configured', () => {
    const pools = parseSourcePools('');
    expect(pools.enabled).toBe(false);
    expect(pools.next('default')).toBeUndefined();
  });

  it('takes the addresses of a pool in turn', () => {
    const pools = parseSourcePools('default=192.0.2.10,192.0.2.11; transactional=2001:db8::25');
    expect(pools.names()).toEqual(['default', 'transactional']);
    expect([1, 2, 3].map(() => pools.next('default'))).toEqual([
      '192.0.2.10',
      '192.0.2.11',
      '192.0.2.10',
    ]);
    expect(pools.next('transactional')).toBe('2001:db8::25');
  });

  it('answers null for a pool that is not configured, so mail is never sent from the wrong IP', () => {
    expect(parseSourcePools('default=192.0.2.10').next('marketing')).toBeNull();
  });

  it('refuses bad entries, naming each', () => {
    expect(() =>
      parseSourcePools('default=192.0.2.300;=1.2.3.4;x=1.1.1.1;x=2.2.2.2;empty='),
    ).toThrow(SourcePoolError);
    try {
      parseSourcePools('default=192.0.2.300;=1.2.3.4;x=1.1.1.1;x=2.2.2.2;empty=');
    } catch (e) {
      expect((e as SourcePoolError).problems).toEqual([
        'entry 1: "192.0.2.300" in pool "default" is not an IP address',
        'entry 2 "=1.2.3.4": expected <pool>=<ip>[,<ip>...]',
        'entry 4: pool "x" is defined twice',
        'entry 5: pool "empty" has no address',
      ]);
    }
  });
});
