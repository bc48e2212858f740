import { ReadinessRegistry } from './readiness';

describe('ReadinessRegistry', () => {
  it('is ready when every check passes', async () => {
    const r = new ReadinessRegistry();
    r.add('kafka', async () => undefined);
    r.add('mongo', async () => undefined);
    await expect(r.report()).resolves.toEqual({
      ready: true,
      draining: false,
      checks: { kafka: 'ok', mongo: 'ok' },
    });
  });

  it('names the failing dependency and its error', async () => {
    const r = new ReadinessRegistry();
    r.add('kafka', async () => undefined);
    r.add('mongo', async () => {
      throw new Error('connection refused');
    });
    const report = await r.report();
    expect(report.ready).toBe(false);
    expect(report.checks.mongo).toBe('connection refused');
  });

  it('times out a hung check instead of hanging the probe', async () => {
    const r = new ReadinessRegistry();
    r.add('grpc:list', () => new Promise(() => undefined));
    const report = await r.report(20);
    expect(report.checks['grpc:list']).toContain('timed out');
    expect(report.ready).toBe(false);
  });

  it('reports not ready while draining even if dependencies are fine', async () => {
    const r = new ReadinessRegistry();
    r.add('kafka', async () => undefined);
    r.startDraining();
    expect((await r.report()).ready).toBe(false);
  });
});
