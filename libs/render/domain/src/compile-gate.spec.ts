import { CompileGate } from './compile-gate';
import { RenderError } from './render-errors';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('compile gate', () => {
  it('runs one compile at a time and the waiting ones in arrival order', async () => {
    const gate = new CompileGate(1, 4);
    const first = deferred();
    const order: string[] = [];
    let running = 0;
    let most = 0;
    const job = (name: string, until?: Promise<void>) =>
      gate.run(async () => {
        running++;
        most = Math.max(most, running);
        order.push(name);
        await until;
        running--;
        return name;
      });
    const all = Promise.all([job('a', first.promise), job('b'), job('c')]);
    first.resolve();
    expect(await all).toEqual(['a', 'b', 'c']);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(most).toBe(1);
  });

  it('refuses with TEMPLATE_COMPILE_BUSY when the waiting line is full, and recovers', async () => {
    const gate = new CompileGate(1, 2);
    const hold = deferred();
    const held = [1, 2, 3].map(() => gate.run(() => hold.promise));
    const refused = await gate.run(async () => 'never').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RenderError);
    expect((refused as RenderError).code).toBe('TEMPLATE_COMPILE_BUSY');
    hold.resolve();
    await Promise.all(held);
    expect(await gate.run(async () => 'again')).toBe('again');
  });

  it('frees its slot when a compile fails', async () => {
    const gate = new CompileGate(1, 0);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 'next')).toBe('next');
  });
});
