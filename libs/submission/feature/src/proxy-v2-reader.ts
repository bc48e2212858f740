// Reads a binary PROXY v2 header off an allow-listed balancer's socket before
// smtp-server sees the connection. The first bytes decide: the v2 signature is
// parsed here (parseProxyV2) and the connection goes on with the client address
// it carries; anything else is put back unread for the library's v1 reader.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { parseProxyV2 } from '@postline/submission/domain';

/** What smtp-server's connection factory takes for an accepted socket (3.21.x). */
export interface ProxySocketOptions {
  id: string;
  remoteAddress?: string;
  remotePort?: number;
  ignore?: boolean;
}
export type ProxyCallback = (err: Error | null, options?: ProxySocketOptions) => void;

/** Same form as the library's connection ids (16 base-32 digits). */
function connectionId(): string {
  return BigInt(`0x${randomBytes(10).toString('hex')}`)
    .toString(32)
    .padStart(16, '0');
}

export function readProxyV2(
  socket: Socket,
  callback: ProxyCallback,
  notV2: () => void,
  logger: Logger,
): void {
  let buffered = Buffer.alloc(0);
  let finished = false;
  const finish = (then: () => void) => {
    if (finished) return;
    finished = true;
    socket.removeListener('readable', onReadable);
    socket.removeListener('close', onGone);
    socket.removeListener('end', onGone);
    socket.removeListener('error', onGone);
    then();
  };
  const onGone = () =>
    finish(() => {
      socket.on('error', () => undefined);
      socket.destroy();
      callback(new Error('Socket closed before PROXY header was received'));
    });
  const onReadable = () => {
    let chunk: Buffer | null;
    while ((chunk = socket.read() as Buffer | null) !== null) {
      buffered = Buffer.concat([buffered, chunk]);
      const result = parseProxyV2(buffered);
      if (result.kind === 'incomplete') continue;
      if (result.kind === 'not-v2') {
        return finish(() => {
          socket.unshift(buffered);
          notV2();
        });
      }
      if (result.kind === 'invalid') {
        return finish(() => {
          logger.info({ event: 'proxy_v2_refused', reason: result.reason }, 'PROXY v2 refused');
          socket.on('error', () => undefined);
          socket.destroy();
          callback(new Error(result.reason));
        });
      }
      const rest = buffered.subarray(result.headerBytes);
      return finish(() => {
        if (rest.length) socket.unshift(rest);
        callback(null, {
          id: connectionId(),
          remoteAddress: result.source?.address,
          remotePort: result.source?.port,
          ignore: false,
        });
      });
    }
  };
  socket.on('readable', onReadable);
  socket.on('close', onGone);
  socket.on('end', onGone);
  socket.on('error', onGone);
}
