// Certificate hot reload for both submission listeners. The certificate and key
// come from files that Kubernetes replaces by swapping a `..data` symlink in the
// mounted Secret's directory, so the directories are watched (a watch on the file
// itself would follow the old inode), bursts of events are debounced, and both
// files are read again together. A pair that cannot be read, or whose key does
// not match the certificate, is refused and the certificate in use is kept; an
// accepted pair is handed to the listeners, which use it for new handshakes only.
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { Logger } from 'pino';

export interface TlsMaterial {
  key: Buffer;
  cert: Buffer;
}

/** `applied`: new pair in use; `unchanged`: same bytes; `rejected`: old pair kept. */
export type TlsReloadResult = 'applied' | 'unchanged' | 'rejected';
export const TLS_RELOAD_RESULTS: TlsReloadResult[] = ['applied', 'unchanged', 'rejected'];

export interface CertificateReloaderDeps {
  certFile: string;
  keyFile: string;
  /** The pair in use at start (read by the listeners). */
  current: TlsMaterial;
  /** Installs a validated pair on every listener. */
  apply: (material: TlsMaterial) => void;
  onResult: (result: TlsReloadResult) => void;
  logger: Logger;
  debounceMs: number;
  /** Tests replace the file reader; production reads the files. */
  read?: (path: string) => Promise<Buffer>;
}

export class CertificateReloader {
  private current: TlsMaterial;
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TlsReloadResult> | undefined;
  private again = false;

  constructor(private readonly deps: CertificateReloaderDeps) {
    this.current = deps.current;
  }

  /** Watches the directories holding the two files (once each). */
  start(): void {
    const dirs = new Set([dirname(this.deps.certFile), dirname(this.deps.keyFile)]);
    for (const dir of dirs) {
      const w = watch(dir, () => this.schedule());
      w.on('error', (err) =>
        this.deps.logger.error(
          { event: 'tls_watch_failed', dir, err: err.message },
          'certificate directory watch failed',
        ),
      );
      this.watchers.push(w);
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }

  /** Restarts the quiet period: a Secret update is several events in a row. */
  schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), this.deps.debounceMs);
    this.timer.unref();
  }

  /** Reads and validates both files; one reload at a time, a request meanwhile runs after it. */
  async reload(): Promise<TlsReloadResult> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.reloadOnce();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    }
  }

  private async reloadOnce(): Promise<TlsReloadResult> {
    const result = await this.tryLoad();
    this.deps.onResult(result);
    return result;
  }

  private async tryLoad(): Promise<TlsReloadResult> {
    const read = this.deps.read ?? ((p: string) => readFile(p));
    const { logger } = this.deps;
    let next: TlsMaterial;
    try {
      const [cert, key] = await Promise.all([read(this.deps.certFile), read(this.deps.keyFile)]);
      next = { cert, key };
      // Throws on unparsable PEM and on a key that does not match the certificate.
      createSecureContext({ cert, key });
    } catch (err) {
      logger.error(
        { event: 'tls_reload_rejected', err: (err as Error).message },
        'new TLS certificate refused; the certificate in use is kept',
      );
      return 'rejected';
    }
    if (next.cert.equals(this.current.cert) && next.key.equals(this.current.key))
      return 'unchanged';
    try {
      this.deps.apply(next);
    } catch (err) {
      logger.error(
        { event: 'tls_reload_rejected', err: (err as Error).message },
        'new TLS certificate not installed; the certificate in use is kept',
      );
      return 'rejected';
    }
    this.current = next;
    logger.info({ event: 'tls_reloaded' }, 'TLS certificate reloaded for new handshakes');
    return 'applied';
  }
}
