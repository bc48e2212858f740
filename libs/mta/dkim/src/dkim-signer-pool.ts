// DKIM signing on worker threads for the MTA's hot path: same results as
// DkimSigner, but the expensive part (the RSA signature) runs beside the event
// loop instead of on it. Each message goes to the worker with the fewest
// messages pending. Runs from compiled JavaScript only (the worker loads
// dkim-sign.worker.js next to this file).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DkimKeyRing } from './dkim-key-ring';
import type { DkimSignResult } from './dkim.types';

interface Pending {
  resolve(result: DkimSignResult): void;
  reject(error: Error): void;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, Pending>;
}

export class DkimSignerPool {
  private readonly workers: PoolWorker[] = [];
  private nextId = 1;

  constructor(keys: DkimKeyRing, size: number) {
    const script = join(__dirname, 'dkim-sign.worker.js');
    if (!existsSync(script)) {
      throw new Error(
        `DKIM worker script ${script} is missing: signing workers need the built service`,
      );
    }
    for (let i = 0; i < size; i++) {
      const pending = new Map<number, Pending>();
      const worker = new Worker(script, { workerData: { keys: keys.all() } });
      worker.on('message', (m: { id: number; result?: DkimSignResult; error?: string }) => {
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        if (m.error !== undefined) p.reject(new Error(`DKIM signing failed: ${m.error}`));
        else {
          const r = m.result!;
          p.resolve({
            ...r,
            message: Buffer.from(r.message.buffer, r.message.byteOffset, r.message.byteLength),
          });
        }
      });
      // A dead worker fails what it had; the MTA defers those messages and they are tried again.
      worker.on('error', (err) => {
        for (const p of pending.values()) p.reject(err);
        pending.clear();
      });
      worker.unref();
      this.workers.push({ worker, pending });
    }
  }

  sign(raw: Buffer): Promise<DkimSignResult> {
    const target = this.workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      target.pending.set(id, { resolve, reject });
      target.worker.postMessage({ id, raw });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
