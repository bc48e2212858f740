// Starts the whole pipeline — list, render, mta, campaign, submission — as
// separate processes on free loopback ports, wired to each other and to the
// local infrastructure, with every mail routed to the Mailpit sink.
import { randomUUID } from 'node:crypto';
import { infra } from './local-infra';
import { startService, type ServiceName, type ServiceProcess } from './service-process';

export interface RunningPlatform {
  services: Record<ServiceName, ServiceProcess>;
  stop(): Promise<void>;
}

export async function startPlatform(
  extraEnv: Record<string, string> = {},
): Promise<RunningPlatform> {
  const common = {
    POSTLINE_KAFKA_BROKERS: infra.kafkaBrokers,
    POSTLINE_MONGO_URI: infra.mongoUri,
    POSTLINE_LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const started: ServiceProcess[] = [];
  const run = randomUUID().slice(0, 8);
  const launch = async (name: ServiceName, env: Record<string, string> = {}) => {
    const proc = await startService(name, { ...common, ...env });
    started.push(proc);
    return proc;
  };
  // allSettled, not all: when one service fails to start, the others may still
  // be starting, and every one that did start must be stopped, or it outlives the test.
  const first = await Promise.allSettled([
    launch('list'),
    launch('render'),
    // A group of its own that starts at the end of mail.outbound: the history other scenarios left
    // (thousands of records after a load scenario) is not this pipeline's mail.
    launch('mta', {
      POSTLINE_MTA_ROUTES: `*=${infra.smtpSink}`,
      POSTLINE_MTA_CONSUMER_GROUP: `postline-mta-pipeline-${run}`,
      POSTLINE_MTA_RETRY_CONSUMER_GROUP: `postline-mta-pipeline-${run}-retry`,
      POSTLINE_MTA_NEW_GROUP_START: 'latest',
    }),
    launch('submission'),
  ]);
  const failed = first.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stopAll(started);
    throw failed.reason;
  }
  const [list, render, mta, submission] = first.map(
    (r) => (r as PromiseFulfilledResult<ServiceProcess>).value,
  );
  try {
    const campaign = await launch('campaign', {
      POSTLINE_LIST_GRPC_ADDRESS: list.grpcAddress,
      POSTLINE_RENDER_GRPC_ADDRESS: render.grpcAddress,
    });
    const services = { list, render, mta, submission, campaign };
    return { services, stop: () => stopAll(started) };
  } catch (e) {
    await stopAll(started);
    throw e;
  }
}

async function stopAll(procs: ServiceProcess[]): Promise<void> {
  await Promise.all(procs.map((p) => p.stop()));
}
