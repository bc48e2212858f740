import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  CertificateReloader,
  type CertificateReloaderDeps,
  type TlsMaterial,
  type TlsReloadResult,
} from './certificate-reloader';

function makePair(dir: string, cn: string): TlsMaterial {
  const keyFile = join(dir, `${cn}.key`);
  const certFile = join(dir, `${cn}.crt`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${cn}`].concat([
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ]),
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile), cert: readFileSync(certFile) };
}

const quietLogger = () =>
  ({ info: jest.fn(), error: jest.fn(), warn: jest.fn() }) as unknown as Logger & {
    error: jest.Mock;
  };

describe('CertificateReloader', () => {
  let pairs: { old: TlsMaterial; renewed: TlsMaterial };

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'postline-reloader-'));
    pairs = { old: makePair(dir, 'old'), renewed: makePair(dir, 'renewed') };
  });

  /** A reloader over in-memory "files"; `files` may be changed between reloads. */
  function reloaderOver(files: Record<string, Buffer | Error>, install?: (m: TlsMaterial) => void) {
    const applied: TlsMaterial[] = [];
    const results: TlsReloadResult[] = [];
    const logger = quietLogger();
    const deps: CertificateReloaderDeps = {
      certFile: '/secret/tls.crt',
      keyFile: '/secret/tls.key',
      current: pairs.old,
      apply: install ?? ((m) => applied.push(m)),
      onResult: (r) => results.push(r),
      logger,
      debounceMs: 10,
      read: async (path) => {
        const content = files[path];
        if (content instanceof Error) throw content;
        return content;
      },
    };
    return { reloader: new CertificateReloader(deps), applied, results, logger };
  }

  it('installs a renewed valid pair for new handshakes', async () => {
    const files = { '/secret/tls.crt': pairs.renewed.cert, '/secret/tls.key': pairs.renewed.key };
    const { reloader, applied, results } = reloaderOver(files);
    await expect(reloader.reload()).resolves.toBe('applied');
    expect(applied).toEqual([pairs.renewed]);
    expect(results).toEqual(['applied']);
  });

  it('does not reinstall the pair already in use', async () => {
    const files = { '/secret/tls.crt': pairs.old.cert, '/secret/tls.key': pairs.old.key };
    const { reloader, applied } = reloaderOver(files);
    await expect(reloader.reload()).resolves.toBe('unchanged');
    expect(applied).toEqual([]);
  });

  it('refuses a key that does not match the certificate, logs it and keeps the old pair', async () => {
    const files = { '/secret/tls.crt': pairs.renewed.cert, '/secret/tls.key': pairs.old.key };
    const { reloader, applied, results, logger } = reloaderOver(files);
    await expect(reloader.reload()).resolves.toBe('rejected');
    expect(applied).toEqual([]);
    expect(results).toEqual(['rejected']);
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ event: 'tls_reload_rejected' }),
      expect.any(String),
    );
    // The old pair is still the one in use: reading it back changes nothing.
    Object.assign(files, { '/secret/tls.crt': pairs.old.cert });
    await expect(reloader.reload()).resolves.toBe('unchanged');
  });

  it('refuses an unreadable file and a file that is not PEM', async () => {
    const missing = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    const files: Record<string, Buffer | Error> = {
      '/secret/tls.crt': missing,
      '/secret/tls.key': pairs.renewed.key,
    };
    const { reloader, applied } = reloaderOver(files);
    await expect(reloader.reload()).resolves.toBe('rejected');
    files['/secret/tls.crt'] = Buffer.from('not a certificate');
    await expect(reloader.reload()).resolves.toBe('rejected');
    expect(applied).toEqual([]);
  });

  it('keeps the old pair when installing the new one fails on a listener', async () => {
    const files = { '/secret/tls.crt': pairs.renewed.cert, '/secret/tls.key': pairs.renewed.key };
    const { reloader, results } = reloaderOver(files, () => {
      throw new Error('listener refused');
    });
    await expect(reloader.reload()).resolves.toBe('rejected');
    expect(results).toEqual(['rejected']);
    // Not recorded as in use: the same files are tried again on the next change.
    await expect(reloader.reload()).resolves.toBe('rejected');
  });

  it('reads the files once for a burst of changes, after the quiet period', async () => {
    jest.useFakeTimers();
    try {
      const files = { '/secret/tls.crt': pairs.renewed.cert, '/secret/tls.key': pairs.renewed.key };
      const { reloader, results } = reloaderOver(files);
      for (let i = 0; i < 5; i++) reloader.schedule();
      await jest.advanceTimersByTimeAsync(9);
      expect(results).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(results).toEqual(['applied']);
      await jest.advanceTimersByTimeAsync(100);
      expect(results).toEqual(['applied']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('reloads after a Kubernetes-style ..data symlink swap in the watched directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postline-secret-'));
    const writeVersion = (name: string, pair: TlsMaterial) => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'tls.crt'), pair.cert);
      writeFileSync(join(dir, name, 'tls.key'), pair.key);
    };
    writeVersion('..v1', pairs.old);
    symlinkSync('..v1', join(dir, '..data'));
    symlinkSync(join('..data', 'tls.crt'), join(dir, 'tls.crt'));
    symlinkSync(join('..data', 'tls.key'), join(dir, 'tls.key'));
    const applied: TlsMaterial[] = [];
    let settled: (r: TlsReloadResult) => void = () => undefined;
    const firstResult = new Promise<TlsReloadResult>((resolve) => (settled = resolve));
    const reloader = new CertificateReloader({
      certFile: join(dir, 'tls.crt'),
      keyFile: join(dir, 'tls.key'),
      current: pairs.old,
      apply: (m) => applied.push(m),
      onResult: (r) => settled(r),
      logger: quietLogger(),
      debounceMs: 50,
    });
    reloader.start();
    try {
      // What the kubelet does: write the new version, then atomically replace ..data.
      writeVersion('..v2', pairs.renewed);
      symlinkSync('..v2', join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      await expect(firstResult).resolves.toBe('applied');
      expect(applied).toHaveLength(1);
      expect(applied[0].cert.equals(pairs.renewed.cert)).toBe(true);
    } finally {
      reloader.stop();
    }
  });
});
