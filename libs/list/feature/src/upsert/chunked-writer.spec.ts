import { ChunkedWriter } from './chunked-writer';

/** A write that resolves only when the test says so. */
function gatedWrites() {
  const calls: Array<{ rows: number[]; release: () => void; fail: (e: Error) => void }> = [];
  const write = (rows: number[]) =>
    new Promise<void>((release, fail) => calls.push({ rows, release, fail }));
  return { calls, write };
}

const settled = () => new Promise((r) => setImmediate(r));

describe('ChunkedWriter', () => {
  it('writes full chunks and the rest at the end, in order of arrival', async () => {
    const written: number[][] = [];
    const writer = new ChunkedWriter<number>(async (rows) => void written.push(rows), 2, 1);
    for (const n of [1, 2, 3, 4, 5]) await writer.push(n);
    await writer.finish();
    expect(written).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('holds the producer while `concurrency` chunks are in flight', async () => {
    const { calls, write } = gatedWrites();
    const writer = new ChunkedWriter<number>(write, 1, 2);
    await writer.push(1);
    let thirdAccepted = false;
    const second = writer.push(2).then(() => (thirdAccepted = true));
    await settled();
    expect(calls.map((c) => c.rows)).toEqual([[1], [2]]);
    expect(thirdAccepted).toBe(false);
    calls[0].release();
    await second;
    expect(thirdAccepted).toBe(true);
    calls[1].release();
    await writer.finish();
  });

  it('reports the first failure from finish and writes nothing after it', async () => {
    const { calls, write } = gatedWrites();
    const writer = new ChunkedWriter<number>(write, 1, 1);
    const first = writer.push(1);
    await settled();
    calls[0].fail(new Error('bus down'));
    await first;
    expect(writer.failed).toBe(true);
    await writer.push(2);
    await expect(writer.finish()).rejects.toThrow('bus down');
    expect(calls).toHaveLength(1);
  });
});
