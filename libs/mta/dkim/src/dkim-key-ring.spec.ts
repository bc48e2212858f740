import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dnsRecordFor } from './dkim-key';
import { DkimKeyRing } from './dkim-key-ring';
import { DkimError, type DkimFailureCode } from './dkim.errors';
import { ed25519Key, edDkimKey, rsaDkimKey, rsaKey } from './test/dkim-test-kit';

const pkcs8 = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' });
const pkcs1 = (key: KeyObject) => key.export({ type: 'pkcs1', format: 'pem' });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dkim-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes files the way a Kubernetes Secret volume presents them: links into ..data. */
function mountSecret(files: Record<string, string | Buffer>): void {
  const version = '..2026_01_02_03_04_05.000000001';
  mkdirSync(join(dir, version));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, version, name), content);
    symlinkSync(join('..data', name), join(dir, name));
  }
  symlinkSync(version, join(dir, '..data'));
}

function loadError(): DkimError {
  try {
    DkimKeyRing.fromDirectory(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(DkimError);
    return err as DkimError;
  }
  throw new Error('the key ring loaded');
}

function expectRefused(file: string, code: DkimFailureCode): void {
  const err = loadError();
  expect(err.code).toBe(code);
  expect(err.subject).toBe(join(dir, file));
  expect(err.message).toContain(join(dir, file));
}

describe('DkimKeyRing.fromDirectory', () => {
  it('loads PKCS#1 and PKCS#8 keys from a mounted Secret, ignoring ..data and dotfiles', () => {
    mountSecret({
      'example.com_rsa2026.pem': pkcs1(rsaKey()),
      'example.com_ed2026.pem': pkcs8(ed25519Key()),
      'Other.Example_s1.pem': pkcs8(rsaKey()),
    });
    writeFileSync(join(dir, '.hidden'), 'not a key');
    const ring = DkimKeyRing.fromDirectory(dir);
    expect(ring.size).toBe(3);
    expect(ring.domains()).toEqual(['example.com', 'other.example']);
    expect(ring.keysFor('example.com').map((k) => [k.selector, k.algorithm])).toEqual([
      ['ed2026', 'ed25519-sha256'],
      ['rsa2026', 'rsa-sha256'],
    ]);
    expect(ring.keysFor('other.example')[0]).toMatchObject({
      domain: 'other.example',
      selector: 's1',
    });
  });

  it('splits the name at the first underscore: the selector keeps the rest', () => {
    writeFileSync(join(dir, 'example.com_mta_2026.pem'), pkcs8(ed25519Key()));
    expect(DkimKeyRing.fromDirectory(dir).keysFor('example.com')[0].selector).toBe('mta_2026');
  });

  it('builds an empty ring from an empty directory', () => {
    expect(DkimKeyRing.fromDirectory(dir).size).toBe(0);
  });

  it('refuses an RSA key shorter than 2048 bits, naming the file', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    mountSecret({
      'example.com_ok.pem': pkcs8(ed25519Key()),
      'example.com_small.pem': pkcs1(small),
    });
    expectRefused('example.com_small.pem', 'KEY_RSA_TOO_SMALL');
    expect(loadError().message).toContain('1024 bits');
  });

  it.each([
    ['garbage', 'this is not a key\n'],
    ['a public key', createPublicKey(rsaKey()).export({ type: 'spki', format: 'pem' })],
    [
      'an encrypted key',
      rsaKey().export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }),
    ],
  ])('refuses %s with KEY_NOT_PRIVATE, naming the file', (_case, content) => {
    writeFileSync(join(dir, 'example.com_s1.pem'), content);
    expectRefused('example.com_s1.pem', 'KEY_NOT_PRIVATE');
  });

  it('refuses an EC key with KEY_UNSUPPORTED_TYPE', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    writeFileSync(join(dir, 'example.com_ec.pem'), pkcs8(ec));
    expectRefused('example.com_ec.pem', 'KEY_UNSUPPORTED_TYPE');
  });

  it.each([
    ['example.com.pem', 'KEY_FILE_NAME'],
    ['example.com_s1.key', 'KEY_FILE_NAME'],
    ['_s1.pem', 'KEY_FILE_NAME'],
    ['exa!mple.com_s1.pem', 'KEY_FILE_NAME'],
    ['README', 'KEY_FILE_NAME'],
    ['example.com_.pem', 'KEY_BAD_SELECTOR'],
    ['example.com_-s1.pem', 'KEY_BAD_SELECTOR'],
  ] as const)('refuses the file name %s with %s', (name, code) => {
    writeFileSync(join(dir, name), pkcs8(ed25519Key()));
    expectRefused(name, code);
  });

  it('refuses a dangling link and a directory with KEY_FILE_UNREADABLE', () => {
    symlinkSync(join(dir, 'gone.pem'), join(dir, 'example.com_s1.pem'));
    expectRefused('example.com_s1.pem', 'KEY_FILE_UNREADABLE');
    rmSync(join(dir, 'example.com_s1.pem'));
    mkdirSync(join(dir, 'example.com_s2.pem'));
    expectRefused('example.com_s2.pem', 'KEY_FILE_UNREADABLE');
  });

  it('refuses two keys of one algorithm for one domain with KEY_DUPLICATE', () => {
    writeFileSync(join(dir, 'example.com_a.pem'), pkcs8(ed25519Key()));
    writeFileSync(join(dir, 'example.com_b.pem'), pkcs8(ed25519Key()));
    expectRefused('example.com_b.pem', 'KEY_DUPLICATE');
  });

  it('refuses a missing directory with KEY_DIR_UNREADABLE', () => {
    const missing = join(dir, 'nope');
    expect(() => DkimKeyRing.fromDirectory(missing)).toThrow(
      expect.objectContaining({ code: 'KEY_DIR_UNREADABLE', subject: missing }),
    );
  });
});

describe('DkimKeyRing.of and keysFor', () => {
  it('normalises domain and selector case and finds keys case-insensitively', () => {
    const ring = DkimKeyRing.of([edDkimKey('Example.COM.', 'Sel1')]);
    expect(ring.keysFor('EXAMPLE.com')[0]).toMatchObject({
      domain: 'example.com',
      selector: 'sel1',
    });
  });

  it('walks up to the closest parent domain with keys, never to a bare TLD', () => {
    const ring = DkimKeyRing.of([
      edDkimKey('example.com', 'org'),
      edDkimKey('eu.news.example.com', 'eu'),
      edDkimKey('com', 'tld'),
    ]);
    expect(ring.keysFor('a.b.news.example.com')[0].selector).toBe('org');
    expect(ring.keysFor('x.eu.news.example.com')[0].selector).toBe('eu');
    expect(ring.keysFor('notexample.com')).toEqual([]);
    expect(ring.keysFor('other.org')).toEqual([]);
  });

  it.each([
    [
      'a declared algorithm that differs from the key',
      { ...edDkimKey('a.test', 's'), algorithm: 'rsa-sha256' },
      'KEY_ALGORITHM_MISMATCH',
    ],
    [
      'a public key',
      { ...edDkimKey('a.test', 's'), privateKey: createPublicKey(ed25519Key()) },
      'KEY_NOT_PRIVATE',
    ],
    ['a bad domain', edDkimKey('a_b.test', 's'), 'KEY_BAD_DOMAIN'],
    ['an empty selector', edDkimKey('a.test', ''), 'KEY_BAD_SELECTOR'],
    [
      'a short RSA key',
      rsaDkimKey('a.test', 's', generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey),
      'KEY_RSA_TOO_SMALL',
    ],
  ] as const)('refuses %s', (_case, key, code) => {
    expect(() => DkimKeyRing.of([key])).toThrow(expect.objectContaining({ code }));
  });
});

describe('dnsRecordFor', () => {
  it('publishes an RSA key as its SubjectPublicKeyInfo', () => {
    const record = dnsRecordFor(rsaDkimKey('a.test', 's'));
    const match = /^v=DKIM1; k=rsa; p=([A-Za-z0-9+/=]+)$/.exec(record);
    expect(match).not.toBeNull();
    const published = createPublicKey({
      key: Buffer.from(match![1], 'base64'),
      format: 'der',
      type: 'spki',
    });
    expect(published.equals(createPublicKey(rsaKey()))).toBe(true);
  });

  it('publishes an Ed25519 key as the raw 32-byte key (RFC 8463)', () => {
    const key = edDkimKey('a.test', 's');
    const match = /^v=DKIM1; k=ed25519; p=([A-Za-z0-9+/=]+)$/.exec(dnsRecordFor(key));
    expect(match).not.toBeNull();
    const raw = Buffer.from(match![1], 'base64');
    const jwk = createPublicKey(key.privateKey).export({ format: 'jwk' });
    expect(raw.toString('base64url')).toBe(jwk.x);
    expect(raw).toHaveLength(32);
  });
});
