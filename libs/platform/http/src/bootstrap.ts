// Starts a service's Nest application the same way everywhere: JSON logs,
// strict validation of every REST body (unknown fields are refused), one error
// shape, and a SIGTERM sequence: report not ready, stop intake, finish in-flight
// work (features do this in their shutdown hooks), close, exit.
import 'reflect-metadata';
import { ValidationPipe, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PinoNestLogger } from '@postline/platform/logging';
import { HttpErrorsFilter } from './http-errors.filter';
import type { ServiceRuntime } from './service-runtime';

export interface BootOptions {
  host: string;
  port: number;
  graceMs: number;
  /** Largest JSON request body, e.g. '20mb'; absent keeps Express's default (100kb). */
  jsonBodyLimit?: string;
}

export function configureHttpApp(app: INestApplication, runtime: ServiceRuntime<object>): void {
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    }),
  );
  app.useGlobalFilters(new HttpErrorsFilter(runtime.logger));
}

export async function bootService(
  runtime: ServiceRuntime<object>,
  module: DynamicModule,
  opts: BootOptions,
): Promise<INestApplication> {
  const { logger } = runtime;
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger: new PinoNestLogger(logger),
    bodyParser: true,
  });
  // Registered before init, it replaces Nest's default JSON parser (and its 100kb limit).
  if (opts.jsonBodyLimit) app.useBodyParser('json', { limit: opts.jsonBodyLimit });
  configureHttpApp(app, runtime);
  await app.listen(opts.port, opts.host);
  logger.info({ event: 'http_listening', port: opts.port }, `${runtime.service} service started`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'shutdown_started', signal }, 'shutting down');
    runtime.readiness.startDraining();
    const hardStop = setTimeout(() => {
      logger.error(
        { event: 'shutdown_forced', graceMs: opts.graceMs },
        'grace period over; exiting',
      );
      process.exit(1);
    }, opts.graceMs + 5000);
    hardStop.unref();
    try {
      await app.close();
      logger.info({ event: 'shutdown_complete' }, 'stopped');
      logger.flush?.();
      process.exit(0);
    } catch (e) {
      logger.error({ event: 'shutdown_failed', err: e }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return app;
}

/** Logs and exits on a boot failure, so the process never lingers half-started. */
export function exitOnBootFailure(service: string): (e: unknown) => never {
  return (e: unknown) => {
    process.stderr.write(`postline-${service}: failed to start: ${(e as Error)?.stack ?? e}\n`);
    process.exit(1);
  };
}

interface PlatformHttpSettings {
  POSTLINE_BIND_HOST: string;
  POSTLINE_HTTP_PORT: number;
  POSTLINE_SHUTDOWN_GRACE_MS: number;
}

/** The boot options every service takes from the shared platform settings. */
export function bootOptionsFrom(
  config: PlatformHttpSettings,
  extra: Partial<BootOptions> = {},
): BootOptions {
  return {
    host: config.POSTLINE_BIND_HOST,
    port: config.POSTLINE_HTTP_PORT,
    graceMs: config.POSTLINE_SHUTDOWN_GRACE_MS,
    ...extra,
  };
}
