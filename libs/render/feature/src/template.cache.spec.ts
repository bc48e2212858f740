import { TemplateCache } from './template.cache';

describe('TemplateCache', () => {
  it('evicts the least recently used entry beyond capacity', () => {
    const c = new TemplateCache<string>(2);
    c.set('a', 'A');
    c.set('b', 'B');
    expect(c.get('a')).toBe('A'); // a is now the most recent
    c.set('c', 'C');
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe('A');
    expect(c.get('c')).toBe('C');
    expect(c.size).toBe(2);
  });

  it('shares one load between concurrent misses of the same key', async () => {
    const c = new TemplateCache<string>(10);
    let loads = 0;
    let release!: (v: string) => void;
    const load = () => {
      loads++;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const first = c.getOrLoad('k', load);
    const second = c.getOrLoad('k', load);
    release('V');
    await expect(Promise.all([first, second])).resolves.toEqual(['V', 'V']);
    expect(loads).toBe(1);
    await expect(c.getOrLoad('k', load)).resolves.toBe('V');
    expect(loads).toBe(1);
  });

  it('does not cache absence, so a template saved later is found', async () => {
    const c = new TemplateCache<string>(10);
    await expect(c.getOrLoad('k', async () => undefined)).resolves.toBeUndefined();
    await expect(c.getOrLoad('k', async () => 'now')).resolves.toBe('now');
  });

  it('forgets a failed load so the next call retries', async () => {
    const c = new TemplateCache<string>(10);
    await expect(
      c.getOrLoad('k', async () => Promise.reject(new Error('mongo down'))),
    ).rejects.toThrow('mongo down');
    await expect(c.getOrLoad('k', async () => 'ok')).resolves.toBe('ok');
  });

  it('keys tenant, template and version apart', () => {
    expect(TemplateCache.key('t', 'a', 1)).not.toBe(TemplateCache.key('t', 'a', 2));
    expect(TemplateCache.key('t', 'a', 1)).not.toBe(TemplateCache.key('ta', '', 1));
  });
});
