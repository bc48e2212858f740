// SMTP credential secrets: scrypt with a per-credential random salt, compared in
// constant time. Only the hash is stored; the secret is never reversible.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface SecretHash {
  algorithm: 'scrypt';
  /** base64 */
  salt: string;
  /** base64 */
  hash: string;
  N: number;
  r: number;
  p: number;
}

const KEY_LENGTH = 32;
const DEFAULT_PARAMS = { N: 16384, r: 8, p: 1 };

function derive(secret: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEY_LENGTH, { ...params, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashSecret(secret: string, params = DEFAULT_PARAMS): Promise<SecretHash> {
  const salt = randomBytes(16);
  const hash = await derive(secret, salt, params);
  return {
    algorithm: 'scrypt',
    salt: salt.toString('base64'),
    hash: hash.toString('base64'),
    ...params,
  };
}

export async function verifySecret(secret: string, stored: SecretHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await derive(secret, Buffer.from(stored.salt, 'base64'), stored);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Length of a generated secret: 32 bytes of randomness, 43 base64url characters. */
const GENERATED_SECRET_BYTES = 32;

/**
 * A secret made by the server when an operator asks for one: random and URL-safe,
 * so it survives SMTP AUTH PLAIN/LOGIN, shells and config files unquoted.
 */
export function generateSecret(): string {
  return randomBytes(GENERATED_SECRET_BYTES).toString('base64url');
}

let decoy: Promise<SecretHash> | undefined;

/** A hash of a random secret, checked when the username is unknown so timing does not reveal it. */
export function decoyHash(): Promise<SecretHash> {
  decoy ??= hashSecret(randomBytes(16).toString('hex'));
  return decoy;
}

/** Sender policy: the envelope sender's domain must be one the credential may use. */
export function senderAllowed(mailFrom: string, allowedDomains: readonly string[]): boolean {
  const at = mailFrom.lastIndexOf('@');
  if (at < 0) return false;
  const domain = mailFrom.slice(at + 1).toLowerCase();
  return allowedDomains.some((d) => d.toLowerCase() === domain);
}
