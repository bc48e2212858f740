import { ReadAheadCursor, type DocumentSource } from './read-ahead-cursor';

/** A source of the given keys that counts how far it was read and whether it was closed. */
function source(keys: string[], failAt?: number) {
  let i = 0;
  const state = { read: 0, closed: false };
  const src: DocumentSource<{ k: string }> = {
    next: async () => {
      if (failAt !== undefined && i === failAt) throw new Error('cursor lost');
      state.read = i;
      return i < keys.length ? { k: keys[i++] } : null;
    },
    close: async () => void (state.closed = true),
  };
  return { src, state };
}

const cursor = (keys: string[], readAhead = 2, failAt?: number) => {
  const { src, state } = source(keys, failAt);
  return { c: new ReadAheadCursor(src, readAhead), state };
};

describe('ReadAheadCursor', () => {
  it('gives the head, takes it, and ends with undefined', async () => {
    const { c } = cursor(['a', 'b']);
    expect(await c.head()).toEqual({ k: 'a' });
    expect(await c.take()).toEqual({ k: 'a' });
    expect(await c.take()).toEqual({ k: 'b' });
    expect(await c.head()).toBeUndefined();
  });

  it('reads no further ahead than its bound', async () => {
    const { c, state } = cursor(['a', 'b', 'c', 'd', 'e', 'f'], 2);
    await c.head();
    await new Promise((r) => setImmediate(r));
    expect(state.read).toBeLessThanOrEqual(2);
  });

  it('passes a failure of its source to the reader, and closes the source', async () => {
    const { c, state } = cursor(['a', 'b', 'c'], 1, 1);
    expect(await c.take()).toEqual({ k: 'a' });
    await expect(c.head()).rejects.toThrow('cursor lost');
    await c.close();
    expect(state.closed).toBe(true);
  });
});
