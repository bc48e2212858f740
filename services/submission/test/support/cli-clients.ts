// The command-line SMTP clients the scenarios run against the service: swaks
// and Postfix's smtp-source (installed by deploy/local/test-tools.sh). Each run
// is bounded and reports its exit code and output rather than throwing, since
// a refused transaction is what some scenarios expect.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** smtp-source is in /usr/sbin, which a non-root PATH may lack. */
function locate(tool: string): string {
  for (const dir of ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']) {
    if (existsSync(`${dir}/${tool}`)) return `${dir}/${tool}`;
  }
  throw new Error(`${tool} is not installed: run deploy/local/test-tools.sh (as root)`);
}

function run(tool: string, args: string[], timeoutMs: number): Promise<CliRun> {
  const path = locate(tool);
  return new Promise((resolve, reject) =>
    execFile(path, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    }),
  );
}

export function swaks(args: string[], timeoutMs = 30000): Promise<CliRun> {
  return run('swaks', ['--timeout', '20', ...args], timeoutMs);
}

export function smtpSource(args: string[], timeoutMs = 30000): Promise<CliRun> {
  return run('smtp-source', args, timeoutMs);
}

/** The replies swaks received, without its direction markers (<-, <~, <**, <~*). */
export function serverReplies(transcript: string): string[] {
  return transcript
    .split('\n')
    .filter((l) => /^<[-~*]/.test(l))
    .map((l) => l.replace(/^<\S*\s+/, ''));
}
