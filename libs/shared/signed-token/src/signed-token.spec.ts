import { createHmac } from 'node:crypto';
import {
  signReturnPath,
  signToken,
  TokenRejectedError,
  verifyReturnPath,
  verifyToken,
  type ConfirmClaims,
  type MessageClaims,
} from './signed-token';

const secret = 'test-secret';
const claims: MessageClaims = {
  tenant: 'acme',
  subscriber: 'sub-1',
  list: 'news',
  campaign: 'camp-1',
  message: '0123456789abcdef0123456789abcdef',
};

describe('signed tokens', () => {
  it('round-trips the claims of a token signed with the same secret and purpose', () => {
    const token = signToken('unsubscribe', claims, secret);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyToken('unsubscribe', token, secret)).toEqual(claims);
  });

  it('rejects a token whose claims were altered', () => {
    const token = signToken('unsubscribe', claims, secret);
    const forged = Buffer.from(JSON.stringify({ ...claims, subscriber: 'sub-2' })).toString(
      'base64url',
    );
    const tampered = `${forged}.${token.split('.')[1]}`;
    expect(() => verifyToken('unsubscribe', tampered, secret)).toThrow(TokenRejectedError);
  });

  it('rejects a token whose signature was altered by one character', () => {
    const token = signToken('unsubscribe', claims, secret);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(() => verifyToken('unsubscribe', token.slice(0, -1) + last, secret)).toThrow(
      /bad signature/,
    );
  });

  it('rejects a token signed with another secret', () => {
    const token = signToken('unsubscribe', claims, 'other-secret');
    expect(() => verifyToken('unsubscribe', token, secret)).toThrow(/bad signature/);
  });

  it('rejects an open token presented as an unsubscribe token', () => {
    const token = signToken('open', claims, secret);
    expect(() => verifyToken('unsubscribe', token, secret)).toThrow(/bad signature/);
  });

  it.each(['', 'abc', 'a.b.c', '.sig', 'body.'])('rejects the malformed token "%s"', (token) => {
    expect(() => verifyToken('unsubscribe', token, secret)).toThrow(TokenRejectedError);
  });

  it('requires the destination url in a click token', () => {
    const token = signToken('click', { ...claims, url: 'https://example.test/a' }, secret);
    expect(verifyToken('click', token, secret).url).toBe('https://example.test/a');
    const noUrl = signToken('click', claims as never, secret);
    expect(() => verifyToken('click', noUrl, secret)).toThrow(/incomplete claims/);
  });
});

describe('confirmation tokens (double opt-in)', () => {
  const issuedAt = new Date('2025-03-01T12:00:00Z');
  const confirm: ConfirmClaims = {
    tenant: 'acme',
    subscriber: '65f0c0ffee0000000000abcd',
    list: '65f0c0ffee0000000000beef',
    nonce: 'n0nce-1',
    exp: issuedAt.getTime() / 1000 + 3600,
  };
  const at = (ms: number) => new Date(issuedAt.getTime() + ms);
  const reasonOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      return (e as TokenRejectedError).reason;
    }
    return 'accepted';
  };

  it('round-trips tenant, subscriber, list, nonce and expiry until the expiry', () => {
    const token = signToken('confirm', confirm, secret);
    expect(verifyToken('confirm', token, secret, issuedAt)).toEqual(confirm);
    expect(verifyToken('confirm', token, secret, at(3599_999))).toEqual(confirm);
  });

  it('refuses a genuine token from its expiry second on, as expired', () => {
    const token = signToken('confirm', confirm, secret);
    expect(reasonOf(() => verifyToken('confirm', token, secret, at(3600_000)))).toBe('expired');
    expect(reasonOf(() => verifyToken('confirm', token, secret, at(86400_000)))).toBe('expired');
  });

  it('reports a forged expired token as forged, not expired', () => {
    const forged = signToken('confirm', confirm, 'other-secret');
    expect(reasonOf(() => verifyToken('confirm', forged, secret, at(86400_000)))).toBe(
      'bad signature',
    );
    // Pushing the expiry out breaks the signature.
    const [, sig] = signToken('confirm', confirm, secret).split('.');
    const later = Buffer.from(JSON.stringify({ ...confirm, exp: confirm.exp + 86400 })).toString(
      'base64url',
    );
    expect(reasonOf(() => verifyToken('confirm', `${later}.${sig}`, secret, issuedAt))).toBe(
      'bad signature',
    );
  });

  it('keeps confirmation and unsubscribe tokens apart', () => {
    const token = signToken('confirm', confirm, secret);
    expect(reasonOf(() => verifyToken('unsubscribe', token, secret))).toBe('bad signature');
    const unsubscribe = signToken('unsubscribe', claims, secret);
    expect(reasonOf(() => verifyToken('confirm', unsubscribe, secret))).toBe('bad signature');
  });

  it('requires a list, a nonce and a numeric expiry in a confirmation token', () => {
    const { nonce: _nonce, ...noNonce } = confirm;
    const { exp: _exp, ...noExpiry } = confirm;
    for (const partial of [noNonce, noExpiry, { ...confirm, exp: '9999999999' }]) {
      const token = signToken('confirm', partial as never, secret);
      expect(reasonOf(() => verifyToken('confirm', token, secret, issuedAt))).toBe(
        'incomplete claims',
      );
    }
  });
});

describe('VERP return path signature', () => {
  const id = claims.message;

  it('accepts its own signed local part and yields the message id', () => {
    expect(verifyReturnPath(`b+${id}.${signReturnPath(id, secret)}`, secret)).toBe(id);
  });

  it('rejects a local part with a forged signature or another message id', () => {
    const sig = signReturnPath(id, secret);
    const otherId = 'f'.repeat(32);
    expect(verifyReturnPath(`b+${otherId}.${sig}`, secret)).toBeUndefined();
    expect(verifyReturnPath(`b+${id}.00000000`, secret)).toBeUndefined();
    expect(verifyReturnPath(`b+${id}.${sig}`, 'other-secret')).toBeUndefined();
    expect(verifyReturnPath('news', secret)).toBeUndefined();
  });
});

describe('TokenRejectedError', () => {
  const reasonOf = (token: string): string => {
    try {
      verifyToken('unsubscribe', token, secret);
    } catch (e) {
      return (e as TokenRejectedError).reason;
    }
    return 'accepted';
  };

  it('tells a forged signature from a garbled token, so callers can answer 403 vs 400', () => {
    const token = signToken('unsubscribe', claims, secret);
    expect(reasonOf(signToken('unsubscribe', claims, 'other-secret'))).toBe('bad signature');
    expect(reasonOf('no-dot-at-all')).toBe('malformed');
    const body = Buffer.from('not json').toString('base64url');
    const signed = signToken('unsubscribe', claims, secret).split('.')[1];
    expect(reasonOf(`${body}.${signed}`)).toBe('bad signature');
    expect(reasonOf(token)).toBe('accepted');
  });

  it('reports undecodable and incomplete claims of a correctly signed token', () => {
    // A token whose body is arbitrary but whose MAC is right: what a buggy signer would produce.
    const sign = (body: string) =>
      `${body}.${createHmac('sha256', secret).update(`unsubscribe\n${body}`, 'utf8').digest('base64url')}`;
    expect(reasonOf(sign(Buffer.from('{oops').toString('base64url')))).toBe('undecodable claims');
    expect(reasonOf(sign(Buffer.from('{"tenant":"t"}').toString('base64url')))).toBe(
      'incomplete claims',
    );
  });
});
