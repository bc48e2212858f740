import { TrustedNetworks, TrustedNetworksError } from './trusted-networks';

describe('TrustedNetworks', () => {
  it('is off when the setting is empty, and then trusts no peer', () => {
    const nets = TrustedNetworks.parse(' ');
    expect(nets.enabled).toBe(false);
    expect(nets.contains('127.0.0.1')).toBe(false);
  });

  it('trusts peers inside a listed network and no others', () => {
    const nets = TrustedNetworks.parse('10.0.0.0/8,127.0.0.2 fd00::/8');
    expect(nets.contains('10.1.2.3')).toBe(true);
    expect(nets.contains('127.0.0.2')).toBe(true);
    expect(nets.contains('::ffff:127.0.0.2')).toBe(true);
    expect(nets.contains('fd12::1')).toBe(true);
    expect(nets.contains('127.0.0.1')).toBe(false);
    expect(nets.contains('2001:db8::1')).toBe(false);
  });

  it('refuses a malformed entry with its own code, naming the entry', () => {
    const failure = (text: string) => {
      try {
        TrustedNetworks.parse(text);
      } catch (err) {
        return err as TrustedNetworksError;
      }
      throw new Error(`${text} was accepted`);
    };
    for (const entry of ['intranet', '10.0.0.0/40', '10.0.0.0/8/8']) {
      const err = failure(`192.0.2.0/24, ${entry}`);
      expect(err).toBeInstanceOf(TrustedNetworksError);
      expect(err.code).toBe('SUBMISSION_TRUSTED_CIDR_INVALID');
      expect(err.message).toContain(entry);
    }
  });
});
