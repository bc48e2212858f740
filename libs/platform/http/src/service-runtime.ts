// Everything a service process shares across its features: validated config,
// logger, metrics registry and readiness. Built before Nest so a bad environment
// stops the boot with a clear message and exit code 78 (EX_CONFIG).
import {
  ConfigValidationError,
  loadConfig,
  type ConfigOf,
  type EnvSchema,
} from '@postline/platform/config';
import { createLogger, type Logger } from '@postline/platform/logging';
import { createMetricsRegistry, type MetricsRegistry } from '@postline/platform/metrics';
import { ReadinessRegistry } from './readiness';

export interface ServiceRuntime<C = Record<string, unknown>> {
  readonly service: string;
  readonly config: C;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly readiness: ReadinessRegistry;
}

export function createRuntime<S extends EnvSchema>(
  service: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): ServiceRuntime<ConfigOf<S>> {
  let config: ConfigOf<S>;
  try {
    config = loadConfig(schema, env);
  } catch (e) {
    if (e instanceof ConfigValidationError) {
      process.stderr.write(`postline-${service}: ${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
  const level = (config as Record<string, unknown>).POSTLINE_LOG_LEVEL as string | undefined;
  const logger = createLogger({ service, level });
  return {
    service,
    config,
    logger,
    metrics: createMetricsRegistry(service),
    readiness: new ReadinessRegistry(),
  };
}
