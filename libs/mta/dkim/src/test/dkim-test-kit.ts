// Test support for the DKIM specs: keys generated once per spec file, and an
// independent verifier (mailauth) fed the keys' TXT records from a stub resolver.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import type { DKIMResult } from 'mailauth';
import { dnsNameFor, dnsRecordFor } from '../dkim-key';
import type { DkimKey } from '../dkim.types';

let rsa2048: KeyObject | undefined;

/** One RSA-2048 key per spec file: generating it costs a noticeable fraction of a second. */
export function rsaKey(): KeyObject {
  rsa2048 ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return rsa2048;
}

export function ed25519Key(): KeyObject {
  return generateKeyPairSync('ed25519').privateKey;
}

export function rsaDkimKey(domain: string, selector: string, privateKey = rsaKey()): DkimKey {
  return { domain, selector, algorithm: 'rsa-sha256', privateKey };
}

export function edDkimKey(domain: string, selector: string, privateKey = ed25519Key()): DkimKey {
  return { domain, selector, algorithm: 'ed25519-sha256', privateKey };
}

/** A fixture from src/fixtures, byte for byte. */
export function fixture(name: string): Buffer {
  return readFileSync(join(__dirname, '..', 'fixtures', name));
}

/** Text with LF line ends as the CRLF message it stands for. */
export function crlf(text: string): Buffer {
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
}

export interface VerifyOptions {
  curTime?: Date;
}

/**
 * Verifies every DKIM-Signature of `message` with mailauth, serving the TXT records
 * of `published` (RSA records split into 255-byte strings, as DNS carries them).
 */
export async function verify(
  message: Buffer,
  published: DkimKey[],
  opts: VerifyOptions = {},
): Promise<DKIMResult[]> {
  const records = new Map(published.map((key) => [dnsNameFor(key), dnsRecordFor(key)]));
  const resolver = async (name: string, rrtype: string): Promise<string[][]> => {
    const record = rrtype === 'TXT' ? records.get(name) : undefined;
    if (record === undefined) {
      throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: 'ENOTFOUND' });
    }
    return [record.match(/.{1,255}/g) ?? []];
  };
  const { results } = await dkimVerify(message, { resolver, curTime: opts.curTime });
  return results;
}

/** `[selector, result]` per signature, in header order: compact to assert on. */
export async function verdicts(
  message: Buffer,
  published: DkimKey[],
  opts: VerifyOptions = {},
): Promise<Array<[string | undefined, string]>> {
  const results = await verify(message, published, opts);
  return results.map((r) => [r.selector, r.status.result]);
}

/** The DKIM-Signature fields at the top of a signed message, unfolded, each as a tag map. */
export function signatureTags(message: Buffer): Array<Record<string, string>> {
  const head = message.toString('latin1').split('\r\n\r\n')[0];
  return head
    .replace(/\r\n[ \t]/g, ' ')
    .split('\r\n')
    .filter((line) => /^dkim-signature:/i.test(line))
    .map((line) =>
      Object.fromEntries(
        line
          .slice(line.indexOf(':') + 1)
          .split(';')
          .map((tag) => tag.replace(/\s+/g, ''))
          .filter((tag) => tag.length > 0)
          .map((tag) => [tag.slice(0, tag.indexOf('=')), tag.slice(tag.indexOf('=') + 1)]),
      ),
    );
}
