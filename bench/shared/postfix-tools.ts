// Postfix's smtp-sink (a receiver that accepts and discards: the loopback
// ceiling) and smtp-source (the load generator), shared by the benchmarks. The
// mta benchmark routes every message to the sink; the submission benchmark
// points smtp-source at the service, at a private Postfix smtpd and at the sink.
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';

export interface Sink {
  port: number;
  stop(): void;
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** Polls until something listens on the loopback port (every 50 ms, up to `ms`). */
export async function waitForPort(port: number, what: string, ms = 5000): Promise<void> {
  for (let waited = 0; waited < ms && !(await portOpen(port)); waited += 50)
    await new Promise((r) => setTimeout(r, 50));
  if (!(await portOpen(port))) throw new Error(`${what} did not listen on ${port}`);
}

export async function startSink(port: number): Promise<Sink> {
  // smtp-sink refuses to run as root without a user to drop to.
  const asRoot = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const child: ChildProcess = spawn('smtp-sink', [...asRoot, '-4', `127.0.0.1:${port}`, '1024'], {
    // Not inherited: the sink must not hold the benchmark's output open if it outlives us.
    stdio: 'ignore',
    detached: false,
  });
  const stop = () => child.kill('SIGTERM');
  process.once('exit', stop);
  await waitForPort(port, 'smtp-sink');
  return { port, stop };
}

export interface SourceLoad {
  port: number;
  /** Messages in all. */
  count: number;
  /** Body bytes per message (smtp-source -l). */
  size: number;
  /** Parallel SMTP sessions (smtp-source -s). */
  sessions: number;
  /** true: every session sends message after message (-d); false: one message per connection. */
  reuse: boolean;
  from?: string;
  to?: string;
  /** smtp-source is killed, and the run fails, after this long. */
  timeoutMs?: number;
}

/** Runs smtp-source to completion; resolves with its wall-clock seconds and messages/s. */
export function smtpSource(load: SourceLoad): Promise<{ seconds: number; rate: number }> {
  const args = [
    ...(load.reuse ? ['-d'] : []),
    '-s',
    String(load.sessions),
    '-l',
    String(load.size),
    '-m',
    String(load.count),
    '-f',
    load.from ?? 'bench@source.test',
    '-t',
    load.to ?? 'sink@sink.test',
    `127.0.0.1:${load.port}`,
  ];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('smtp-source', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), load.timeoutMs ?? 600_000);
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      process.removeListener('exit', kill);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // smtp-source only warns about refused transactions; any warning makes the figure suspect.
      if (code !== 0 || stderr.trim())
        return reject(
          new Error(`smtp-source ${args.join(' ')}: ${signal ?? `exit ${code}`}\n${stderr}`),
        );
      resolve({ seconds, rate: load.count / seconds });
    });
  });
}

/** Messages/s of smtp-source sending `count` messages of `size` bytes over reused connections. */
export async function smtpSourceRate(
  port: number,
  count: number,
  size: number,
  sessions: number,
): Promise<number> {
  return (await smtpSource({ port, count, size, sessions, reuse: true })).rate;
}
