import { generateSecret, hashSecret, senderAllowed, verifySecret } from './credential-secret';

const fast = { N: 1024, r: 8, p: 1 };

describe('credential secrets', () => {
  it('verifies the right secret and refuses a wrong one', async () => {
    const h = await hashSecret('s3cret', fast);
    expect(await verifySecret('s3cret', h)).toBe(true);
    expect(await verifySecret('s3cret!', h)).toBe(false);
  });

  it('salts every hash, so equal secrets give different hashes', async () => {
    const [a, c] = await Promise.all([hashSecret('same', fast), hashSecret('same', fast)]);
    expect(a.salt).not.toBe(c.salt);
    expect(a.hash).not.toBe(c.hash);
  });

  it('generates URL-safe secrets within the accepted length that differ every time', () => {
    const a = generateSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateSecret()).not.toBe(a);
  });

  it('allows only envelope senders of the credential domains, case-insensitively', () => {
    expect(senderAllowed('App@Example.com', ['example.com'])).toBe(true);
    expect(senderAllowed('app@evil.test', ['example.com'])).toBe(false);
    expect(senderAllowed('', ['example.com'])).toBe(false);
  });
});
