// Starts a Postline service as a real child process (the built dist/ output),
// waits for /readyz, and stops it with SIGTERM — for end-to-end scenarios,
// the demo and benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../../..').replace(/\/dist$/, '');

export type ServiceName = 'list' | 'campaign' | 'render' | 'submission' | 'mta';

export interface ServiceProcess {
  name: ServiceName;
  httpUrl: string;
  grpcAddress: string;
  child: ChildProcess;
  /** Last lines of its output, for failure messages. */
  output(): string;
  stop(): Promise<number | null>;
}

export function serviceEntry(name: ServiceName): string {
  const entry = path.join(repoRoot, 'dist', 'services', name, 'src', 'main.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first`);
  return entry;
}

export async function startService(
  name: ServiceName,
  env: Record<string, string>,
  { httpPort, grpcPort, readyTimeoutMs = 60000 }: { httpPort: number; grpcPort: number; readyTimeoutMs?: number },
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['-r', 'tsconfig-paths/register', serviceEntry(name)], {
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
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc: ServiceProcess = {
    name,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    child,
    output: () => lines.slice(-40).join('\n'),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  const deadline = Date.now() + readyTimeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before ready:\n${proc.output()}`);
    try {
      const res = await fetch(`${proc.httpUrl}/readyz`);
      if (res.status === 200) return proc;
      last = await res.text();
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await proc.stop();
  throw new Error(`${name} not ready after ${readyTimeoutMs} ms (last: ${last}):\n${proc.output()}`);
}
