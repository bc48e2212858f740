// A Kafka broker of a scenario's own, for faults that must not touch the shared
// test broker: deploy/local/kafka.sh with its own run directory (pid file, data,
// logs) and its own ports, started and stopped by the scenario.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, repoRoot } from '@postline/platform/testing';

export interface PrivateKafka {
  brokers: string;
  runDir: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the broker and deletes its run directory. */
  destroy(): Promise<void>;
}

export async function createPrivateKafka(): Promise<PrivateKafka> {
  const runDir = mkdtempSync(join(tmpdir(), 'postline-private-kafka-'));
  const [port, controllerPort] = await freePorts(2);
  const env = {
    ...process.env,
    POSTLINE_RUN_DIR: runDir,
    POSTLINE_KAFKA_PORT: String(port),
    POSTLINE_KAFKA_CONTROLLER_PORT: String(controllerPort),
    POSTLINE_KAFKA_HEAP: '-Xmx384m',
  };
  const script = join(repoRoot, 'deploy/local/kafka.sh');
  const run = (action: 'start' | 'stop') =>
    new Promise<void>((resolve, reject) => {
      const child = spawn('bash', [script, action], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`kafka.sh ${action} exited ${code}:\n${output}`)),
      );
    });
  return {
    brokers: `127.0.0.1:${port}`,
    runDir,
    start: () => run('start'),
    stop: () => run('stop'),
    destroy: async () => {
      await run('stop').catch(() => undefined);
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}
