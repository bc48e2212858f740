// One Prometheus registry per process, with Node's default process metrics under
// the postline_<service>_ prefix. Metric helpers here keep the naming rule
// (postline_<service>_<what>_<unit>) and bounded label values in one place.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export { Counter, Gauge, Histogram, Registry };

export interface MetricsRegistry {
  readonly registry: Registry;
  readonly prefix: string;
  counter<L extends string>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
  gauge<L extends string>(name: string, help: string, labelNames?: readonly L[]): Gauge<L>;
  histogram<L extends string>(
    name: string,
    help: string,
    labelNames?: readonly L[],
    buckets?: number[],
  ): Histogram<L>;
}

const VALID_SERVICE = /^[a-z][a-z0-9_]*$/;

export function createMetricsRegistry(service: string): MetricsRegistry {
  if (!VALID_SERVICE.test(service)) throw new Error(`invalid service name for metrics: ${service}`);
  const registry = new Registry();
  const prefix = `postline_${service}_`;
  collectDefaultMetrics({ register: registry, prefix });
  return {
    registry,
    prefix,
    counter: (name, help, labelNames = []) =>
      new Counter({ name: prefix + name, help, labelNames, registers: [registry] }),
    gauge: (name, help, labelNames = []) =>
      new Gauge({ name: prefix + name, help, labelNames, registers: [registry] }),
    histogram: (name, help, labelNames = [], buckets) =>
      new Histogram({
        name: prefix + name,
        help,
        labelNames,
        registers: [registry],
        ...(buckets ? { buckets } : {}),
      }),
  };
}
