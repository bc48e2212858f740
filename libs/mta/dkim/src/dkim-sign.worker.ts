// Worker thread body of DkimSignerPool: signs messages off the MTA's main
// thread, where an RSA-2048 signature (~0.75 ms) would otherwise stall every
// SMTP session the event loop serves. Receives the key ring once, then
// { id, raw } messages; answers { id, result } or { id, error }.
import { parentPort, workerData } from 'node:worker_threads';
import { DkimKeyRing } from './dkim-key-ring';
import { DkimSigner } from './dkim-signer';
import type { DkimKey } from './dkim.types';

const signer = new DkimSigner({ keys: DkimKeyRing.of((workerData as { keys: DkimKey[] }).keys) });

parentPort!.on('message', ({ id, raw }: { id: number; raw: Uint8Array }) => {
  try {
    const result = signer.sign(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
    parentPort!.postMessage({ id, result });
  } catch (e) {
    parentPort!.postMessage({ id, error: (e as Error).message });
  }
});
