// Starts a Postline service as a real child process (the built dist/ output),
// waits for /readyz, and stops it with SIGTERM — for end-to-end scenarios,
// the demo and benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePorts } from './free-port';

export const repoRoot = path.resolve(__dirname, '../../../..').replace(/\/dist$/, '');

export type ServiceName = 'list' | 'campaign' | 'render' | 'submission' | 'mta';

export interface ServiceProcess {
  name: ServiceName;
  httpUrl: string;
  grpcAddress: string;
  child: ChildProcess;
  /** Last lines of its output, for failure messages. */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited(): Promise<number | null>;
  stop(): Promise<number | null>;
}

export function serviceEntry(name: ServiceName): string {
  const entry = path.join(repoRoot, 'dist', 'services', name, 'src', 'main.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first`);
  return entry;
}

export interface ServicePorts {
  httpPort: number;
  grpcPort: number;
  /** Extra node options that NODE_OPTIONS refuses (e.g. --cpu-prof for benchmarks). */
  nodeArgs?: string[];
}

// Every child still running when the test process exits is killed, so that a
// failed or interrupted scenario can never leave a service behind.
const liveChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

/** Spawns the service without waiting for it (see waitUntilReady). */
export function spawnService(
  name: ServiceName,
  env: Record<string, string>,
  { httpPort, grpcPort, nodeArgs = [] }: ServicePorts,
): ServiceProcess {
  const args = [...nodeArgs, '-r', 'tsconfig-paths/register', serviceEntry(name)];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: {
      ...process.env,
      TS_NODE_BASEURL: path.join(repoRoot, 'dist'),
      TS_NODE_PROJECT: path.join(repoRoot, 'tsconfig.base.json'),
      POSTLINE_HTTP_PORT: String(httpPort),
      POSTLINE_GRPC_PORT: String(grpcPort),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  liveChildren.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      liveChildren.delete(child);
      resolve(code);
    }),
  );
  return {
    name,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    child,
    output: () => lines.slice(-40).join('\n'),
    exited: () => exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls /readyz until 200; fails early, with the service's output, if it exits. */
export async function waitUntilReady(proc: ServiceProcess, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null)
      throw new Error(
        `${proc.name} exited with ${proc.child.exitCode} before ready:\n${proc.output()}`,
      );
    try {
      const res = await fetch(`${proc.httpUrl}/readyz`);
      if (res.status === 200) return;
      last = await res.text();
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `${proc.name} not ready after ${timeoutMs} ms (last: ${last}):\n${proc.output()}`,
  );
}

/**
 * Spawns a service and waits until it is ready. Without explicit ports it picks
 * free ones, and picks again if another process took one in the meantime.
 */
export async function startService(
  name: ServiceName,
  env: Record<string, string>,
  { readyTimeoutMs = 60000, ...given }: Partial<ServicePorts> & { readyTimeoutMs?: number } = {},
): Promise<ServiceProcess> {
  const explicit = given.httpPort !== undefined && given.grpcPort !== undefined;
  for (let attempt = 1; ; attempt++) {
    const [httpPort, grpcPort] = explicit ? [given.httpPort!, given.grpcPort!] : await freePorts(2);
    const proc = spawnService(name, env, { httpPort, grpcPort, nodeArgs: given.nodeArgs });
    try {
      await waitUntilReady(proc, readyTimeoutMs);
      return proc;
    } catch (e) {
      await proc.stop();
      const portTaken = proc.output().includes('EADDRINUSE');
      if (explicit || !portTaken || attempt >= 3) throw e;
    }
  }
}
