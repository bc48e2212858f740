// The DKIM keys the MTA signs with, loaded once at boot from the directory a
// Kubernetes Secret is mounted on (or given in memory), and looked up per
// message by the From domain, falling back to parent domains because relaxed
// DMARC alignment accepts a signature of the organisational domain.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DkimError } from './dkim.errors';
import { algorithmOf, canonicalDomain, checkDkimKey, parsePrivateKeyPem } from './dkim-key';
import type { DkimAlgorithm, DkimKey } from './dkim.types';

const KEY_FILE_SUFFIX = '.pem';
// Ed25519 first: its signature is prepended last and so ends up outermost (see README).
const ALGORITHM_ORDER: readonly DkimAlgorithm[] = ['ed25519-sha256', 'rsa-sha256'];

export class DkimKeyRing {
  private readonly byDomain: ReadonlyMap<string, readonly DkimKey[]>;
  private readonly count: number;

  private constructor(keys: DkimKey[], labels: string[]) {
    const byDomain = new Map<string, DkimKey[]>();
    keys.forEach((key, i) => {
      const held = byDomain.get(key.domain) ?? [];
      const clash = held.find((other) => other.algorithm === key.algorithm);
      if (clash) {
        throw new DkimError(
          'KEY_DUPLICATE',
          labels[i],
          `${key.domain} already has ${key.algorithm} selector ${clash.selector}`,
        );
      }
      held.push(key);
      byDomain.set(key.domain, held);
    });
    for (const held of byDomain.values()) {
      held.sort(
        (a, b) => ALGORITHM_ORDER.indexOf(a.algorithm) - ALGORITHM_ORDER.indexOf(b.algorithm),
      );
      Object.freeze(held);
    }
    this.byDomain = byDomain;
    this.count = keys.length;
  }

  /** Keys given in memory (tests, configuration); each is validated like a key file. */
  static of(keys: DkimKey[]): DkimKeyRing {
    const checked = keys.map((key) => checkDkimKey(key));
    return new DkimKeyRing(
      checked,
      checked.map((key) => `${key.domain}/${key.selector}`),
    );
  }

  /**
   * Every `<domain>_<selector>.pem` in `dir`. Dot entries (Kubernetes' `..data` and
   * timestamped directories, dotfiles) are skipped; anything else that is not a usable
   * key file throws a DkimError naming it, so the service refuses to boot.
   */
  static fromDirectory(dir: string): DkimKeyRing {
    let names: string[];
    try {
      names = readdirSync(dir).filter((name) => !name.startsWith('.'));
    } catch (err) {
      throw new DkimError('KEY_DIR_UNREADABLE', dir, (err as NodeJS.ErrnoException).code);
    }
    names.sort();
    const paths = names.map((name) => join(dir, name));
    return new DkimKeyRing(
      names.map((name, i) => loadKeyFile(name, paths[i])),
      paths,
    );
  }

  /**
   * The keys to sign mail from `domain` with: those of the domain itself, else of its
   * closest parent that has keys (news.example.com → example.com), never of a bare TLD.
   * Ed25519 comes before RSA. Empty when no domain on the way has a key.
   */
  keysFor(domain: string): DkimKey[] {
    let candidate = domain.trim().toLowerCase().replace(/\.$/, '');
    for (;;) {
      const keys = this.byDomain.get(candidate);
      if (keys) return [...keys];
      const dot = candidate.indexOf('.');
      if (dot === -1) return [];
      candidate = candidate.slice(dot + 1);
      if (!candidate.includes('.')) return [];
    }
  }

  get size(): number {
    return this.count;
  }

  domains(): string[] {
    return [...this.byDomain.keys()].sort();
  }

  /** Every key, e.g. to hand the ring to a signing worker (KeyObjects survive postMessage). */
  all(): DkimKey[] {
    return [...this.byDomain.values()].flat();
  }
}

function loadKeyFile(name: string, path: string): DkimKey {
  // Domains cannot contain "_", so the first one ends the domain; the selector is the rest.
  const sep = name.indexOf('_');
  if (!name.endsWith(KEY_FILE_SUFFIX) || sep <= 0) throw new DkimError('KEY_FILE_NAME', path);
  const domain = name.slice(0, sep);
  const selector = name.slice(sep + 1, -KEY_FILE_SUFFIX.length);
  if (!canonicalDomain(domain)) throw new DkimError('KEY_FILE_NAME', path, 'bad domain');

  let pem: Buffer;
  try {
    // statSync follows the Secret's symlinks into ..data; a directory or a dangling link lands here.
    if (!statSync(path).isFile()) throw new DkimError('KEY_FILE_UNREADABLE', path, 'not a file');
    pem = readFileSync(path);
  } catch (err) {
    if (err instanceof DkimError) throw err;
    throw new DkimError('KEY_FILE_UNREADABLE', path, (err as NodeJS.ErrnoException).code);
  }
  const privateKey = parsePrivateKeyPem(pem, path);
  return checkDkimKey(
    { domain, selector, algorithm: algorithmOf(privateKey, path), privateKey },
    path,
  );
}
