import { isValidTenantId } from './tenant';

describe('isValidTenantId', () => {
  it.each(['default', 'acme', 'acme-eu.1', 'T_9', 'e2e-1732780000000-ab12'])('accepts %s', (t) => {
    expect(isValidTenantId(t)).toBe(true);
  });
  it.each(['', '-acme', '.hidden', 'a b', 'a/b', 'a:b', 'x'.repeat(65), 'ümlaut'])(
    'refuses %j',
    (t) => {
      expect(isValidTenantId(t)).toBe(false);
    },
  );
});
