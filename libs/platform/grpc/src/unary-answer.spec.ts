import { status, type ServerUnaryCall } from '@grpc/grpc-js';
import { answerUnary } from './unary-answer';

const call = { request: { n: 2 } } as ServerUnaryCall<{ n: number }, { doubled: number }>;
const toStatus = (e: unknown) => ({ code: status.INVALID_ARGUMENT, details: (e as Error).message });

function answer(handler: (req: { n: number }) => Promise<{ doubled: number }>) {
  return new Promise<[unknown, unknown]>((resolve) =>
    answerUnary(call, (err, res) => resolve([err, res]), handler, toStatus),
  );
}

describe('answerUnary', () => {
  it('sends the handler result', async () => {
    expect(await answer(async ({ n }) => ({ doubled: n * 2 }))).toEqual([null, { doubled: 4 }]);
  });

  it('maps a rejection, and a synchronous throw, through the service mapping', async () => {
    const expected = { code: status.INVALID_ARGUMENT, details: 'bad n' };
    expect((await answer(async () => Promise.reject(new Error('bad n'))))[0]).toEqual(expected);
    expect(
      (
        await answer(() => {
          throw new Error('bad n');
        })
      )[0],
    ).toEqual(expected);
  });
});
