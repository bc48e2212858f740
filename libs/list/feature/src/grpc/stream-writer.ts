// Writing to a server-streaming gRPC call at the pace of the reader: when
// write() reports a full buffer (HTTP/2 flow control has pushed back), wait for
// 'drain' before the next message, and stop as soon as the call is cancelled.

/** The part of grpc-js' ServerWritableStream this needs (and a test can fake). */
export interface WritableCall<T> {
  readonly cancelled: boolean;
  write(message: T): boolean;
  once(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
}

/** Told when a write has to wait for the reader, and when it may go on (for metrics). */
export interface WaitObserver {
  waiting(): void;
  resumed(): void;
}

/** Writes one message; resolves false if the call was cancelled (the caller should stop). */
export async function writeWithBackpressure<T>(
  call: WritableCall<T>,
  message: T,
  observer?: WaitObserver,
): Promise<boolean> {
  if (call.cancelled) return false;
  if (call.write(message)) return true;
  observer?.waiting();
  await new Promise<void>((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('cancelled', done);
      call.off('close', done);
      call.off('error', done);
      resolve();
    };
    call.once('drain', done);
    call.once('cancelled', done);
    call.once('close', done);
    call.once('error', done);
  });
  observer?.resumed();
  return !call.cancelled;
}
