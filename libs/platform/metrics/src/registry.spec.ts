import { createMetricsRegistry } from './registry';

describe('createMetricsRegistry', () => {
  it('prefixes metrics with postline_<service>_ and exports default process metrics', async () => {
    const m = createMetricsRegistry('render');
    m.counter('messages_total', 'rendered', ['result']).inc({ result: 'ok' });
    const text = await m.registry.metrics();
    expect(text).toContain('postline_render_messages_total{result="ok"} 1');
    expect(text).toContain('postline_render_process_cpu_seconds_total');
  });

  it('keeps registries of two services apart', async () => {
    const a = createMetricsRegistry('list');
    const b = createMetricsRegistry('mta');
    a.counter('x_total', 'x').inc();
    expect(await b.registry.metrics()).not.toContain('postline_list_x_total');
  });

  it('rejects a service name that would make an invalid metric name', () => {
    expect(() => createMetricsRegistry('Bad-Name')).toThrow('invalid service name');
  });
});
