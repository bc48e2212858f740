// What every Postline service promises operators, shown on the submission
// service: probes, metrics, gRPC health and reflection, refusal of a bad
// environment, and a clean exit on SIGTERM.
import { checkGrpcHealth } from '@postline/platform/grpc';
import {
  freePort,
  freePorts,
  infra,
  listServicesByReflection,
  spawnService,
  startService,
  waitUntilReady,
  type ServiceProcess,
} from '@postline/platform/testing';

const env = {
  POSTLINE_KAFKA_BROKERS: infra.kafkaBrokers,
  POSTLINE_MONGO_URI: infra.mongoUri,
  POSTLINE_LOG_LEVEL: 'info',
  // Several instances run at once here: let each SMTP listener take a free port.
  POSTLINE_SUBMISSION_SMTP_PORT: '0',
};
const ports = async () => {
  const [httpPort, grpcPort] = await freePorts(2);
  return { httpPort, grpcPort };
};

describe('service probes and lifecycle', () => {
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await startService('submission', env);
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('answers /healthz and a /readyz that names its dependency checks', async () => {
    expect((await fetch(`${service.httpUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${service.httpUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ready: true,
      draining: false,
      checks: { mongodb: 'ok', kafka: 'ok', smtp: 'ok' },
    });
  });

  it('exports Prometheus metrics with the service prefix', async () => {
    const res = await fetch(`${service.httpUrl}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toMatch(/^postline_submission_process_cpu_user_seconds_total \d/m);
  });

  it('serves grpc.health.v1 and reflection', async () => {
    await expect(checkGrpcHealth(service.grpcAddress)).resolves.toBeUndefined();
    expect(await listServicesByReflection(service.grpcAddress)).toEqual(
      expect.arrayContaining(['grpc.health.v1.Health']),
    );
  });

  it('answers unknown REST paths with a JSON 404', async () => {
    const res = await fetch(`${service.httpUrl}/v1/nothing-here`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('reports not ready while a dependency is unreachable', async () => {
    const deadKafka = `127.0.0.1:${await freePort()}`;
    const proc = spawnService(
      'submission',
      { ...env, POSTLINE_KAFKA_BROKERS: deadKafka },
      await ports(),
    );
    try {
      // Kafka is needed to boot, so the process must not become ready, and it must say why.
      await expect(waitUntilReady(proc, 4000)).rejects.toThrow(/exited|not ready/);
    } finally {
      await proc.stop();
    }
  });

  it('refuses to boot on a bad environment, naming the variable, with exit code 78', async () => {
    const proc = spawnService(
      'submission',
      { ...env, POSTLINE_KAFKA_BROKERS: 'not-a-broker', POSTLINE_SHUTDOWN_GRACE_MS: 'soon' },
      await ports(),
    );
    expect(await proc.exited()).toBe(78);
    expect(proc.output()).toContain(
      'POSTLINE_KAFKA_BROKERS must be a comma-separated list of host:port',
    );
    expect(proc.output()).toContain('POSTLINE_SHUTDOWN_GRACE_MS must be an integer');
  });

  it('exits 0 on SIGTERM after draining', async () => {
    const proc = await startService('submission', env);
    proc.child.kill('SIGTERM');
    expect(await proc.exited()).toBe(0);
    expect(proc.output()).toContain('"event":"shutdown_complete"');
  });
});
