// One DKIM signing key, checked once when the key ring is built so the hot
// signing path never meets a key it cannot use, and the TXT record that
// publishes its public half.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { DkimError } from './dkim.errors';
import type { DkimAlgorithm, DkimKey } from './dkim.types';

const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 4096;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
// An Ed25519 SubjectPublicKeyInfo is a fixed 12-byte prefix followed by the 32-byte key.
const ED25519_RAW_KEY_BYTES = 32;

/** The canonical (lower-case, no trailing dot) form of an ASCII domain, or undefined. */
export function canonicalDomain(input: string): string | undefined {
  const domain = input.trim().toLowerCase().replace(/\.$/, '');
  if (domain.length === 0 || domain.length > 253) return undefined;
  return domain.split('.').every((label) => LABEL.test(label)) ? domain : undefined;
}

// RFC 6376's grammar has no "_" in selectors, but DNS serves such names and key file
// names already reserve the first "_" for the domain, so selectors may use it.
const SELECTOR_LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

function canonicalSelector(input: string): string | undefined {
  const selector = input.toLowerCase();
  return selector.length > 0 && selector.split('.').every((label) => SELECTOR_LABEL.test(label))
    ? selector
    : undefined;
}

/** The algorithm a key can sign with, or a typed error naming `subject`. */
export function algorithmOf(key: KeyObject, subject: string): DkimAlgorithm {
  if (key.type !== 'private') throw new DkimError('KEY_NOT_PRIVATE', subject, `a ${key.type} key`);
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519-sha256';
  if (key.asymmetricKeyType !== 'rsa') {
    throw new DkimError('KEY_UNSUPPORTED_TYPE', subject, String(key.asymmetricKeyType));
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new DkimError('KEY_RSA_TOO_SMALL', subject, `${bits} bits`);
  if (bits > MAX_RSA_BITS) throw new DkimError('KEY_RSA_TOO_LARGE', subject, `${bits} bits`);
  return 'rsa-sha256';
}

/** Parses a PEM private key (PKCS#8 or PKCS#1); the algorithm follows from the key type. */
export function parsePrivateKeyPem(pem: string | Buffer, subject: string): KeyObject {
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    // Node's message says what is wrong (no PEM, encrypted, bad DER) without echoing key material.
    throw new DkimError('KEY_NOT_PRIVATE', subject, (err as Error).message);
  }
}

/** Validates a key given in memory or read from a file and returns its canonical form. */
export function checkDkimKey(key: DkimKey, subject = `${key.domain}/${key.selector}`): DkimKey {
  const domain = canonicalDomain(key.domain);
  if (!domain) throw new DkimError('KEY_BAD_DOMAIN', subject, JSON.stringify(key.domain));
  const selector = canonicalSelector(key.selector);
  if (!selector) throw new DkimError('KEY_BAD_SELECTOR', subject, JSON.stringify(key.selector));
  const algorithm = algorithmOf(key.privateKey, subject);
  if (key.algorithm !== algorithm) {
    throw new DkimError(
      'KEY_ALGORITHM_MISMATCH',
      subject,
      `${key.algorithm} given, key is ${algorithm}`,
    );
  }
  return Object.freeze({ domain, selector, algorithm, privateKey: key.privateKey });
}

/** The DNS name under which a key's public half is published. */
export function dnsNameFor(key: DkimKey): string {
  return `${key.selector}._domainkey.${key.domain}`;
}

/**
 * The TXT record value for `<selector>._domainkey.<domain>`. RSA publishes the DER
 * SubjectPublicKeyInfo (what verifiers expect in practice); Ed25519 publishes the raw
 * 32-byte public key, as RFC 8463 §4 requires.
 */
export function dnsRecordFor(key: DkimKey): string {
  const spki = createPublicKey(key.privateKey).export({ type: 'spki', format: 'der' });
  if (key.algorithm === 'ed25519-sha256') {
    const raw = spki.subarray(spki.length - ED25519_RAW_KEY_BYTES);
    return `v=DKIM1; k=ed25519; p=${raw.toString('base64')}`;
  }
  return `v=DKIM1; k=rsa; p=${spki.toString('base64')}`;
}
