// Postfix's smtp-sink (a receiver that accepts and discards) and smtp-source
// (a load generator) for the MTA benchmark: the sink is where every message
// is routed, and smtp-source against the same sink is the ceiling.
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';

export interface Sink {
  port: number;
  stop(): void;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

export async function startSink(port: number): Promise<Sink> {
  // smtp-sink refuses to run as root without a user to drop to.
  const asRoot = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const child: ChildProcess = spawn('smtp-sink', [...asRoot, '-4', `127.0.0.1:${port}`, '1024'], {
    // Not inherited: the sink must not hold the benchmark's output open if it outlives us.
    stdio: 'ignore',
    detached: false,
  });
  process.once('exit', () => child.kill('SIGTERM'));
  for (let i = 0; i < 100 && !(await portOpen(port)); i++)
    await new Promise((r) => setTimeout(r, 50));
  if (!(await portOpen(port))) throw new Error(`smtp-sink did not listen on ${port}`);
  return { port, stop: () => child.kill('SIGTERM') };
}

/** Messages/s of smtp-source sending `count` messages of `size` bytes over reused connections. */
export function smtpSourceRate(
  port: number,
  count: number,
  size: number,
  sessions: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      'smtp-source',
      [
        '-d',
        '-s',
        String(sessions),
        '-l',
        String(size),
        '-m',
        String(count),
        '-f',
        'bench@source.test',
        '-t',
        'sink@sink.test',
        `127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`smtp-source exited with ${code}`));
      resolve(count / (Number(process.hrtime.bigint() - started) / 1e9));
    });
  });
}
