// A private Postfix instance for benchmarks: master(8) with its own
// config_directory and queue_directory under a temporary directory, one smtpd
// on a loopback port, and every message handed to the discard transport. So
// smtpd takes the full queue path (cleanup writes and fsyncs the queue file,
// qmgr schedules it, discard removes it) without delivering anything. The
// system configuration (/etc/postfix) and port 25 are never touched; the
// instance is stopped through its own master's PID and its directory removed.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForPort } from './postfix-tools';
import { childPids, sessionId, treeCpuSeconds } from './process-stats';

export interface PostfixSmtpd {
  port: number;
  /** PID of this instance's master(8). */
  pid: number;
  /** Messages still in the queue (accepted by smtpd, not yet discarded). */
  backlog(): number;
  /** CPU seconds of the master and every Postfix process it has run so far. */
  cpuSeconds(): number;
  /** The instance's log (maillog_file), for a failure message. */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

/** Queue directories a message can sit in between smtpd and the discard agent. */
const QUEUES = ['maildrop', 'incoming', 'active', 'deferred', 'hold'];

function mainCf(dir: string): string {
  return [
    'compatibility_level = 3.6',
    `queue_directory = ${dir}/queue`,
    `data_directory = ${dir}/data`,
    'mail_owner = postfix',
    'setgid_group = postdrop',
    'myhostname = postfix-bench.localdomain',
    // Nothing is local and nothing is relayed anywhere: every recipient goes to discard.
    'mydestination =',
    'relay_domains =',
    'alias_maps =',
    'alias_database =',
    'local_recipient_maps =',
    'default_transport = discard',
    'relay_transport = discard',
    'local_transport = discard',
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    // The load comes from 127.0.0.1: allowed to relay, as smtp-source does not AUTH.
    'mynetworks = 127.0.0.0/8',
    'biff = no',
    // There is no syslog here; Postfix logs to a file of its own (through postlogd).
    `maillog_file_prefixes = ${dir}`,
    `maillog_file = ${dir}/maillog`,
    '',
  ].join('\n');
}

function masterCf(port: number): string {
  // service type private unpriv chroot wakeup maxproc command — no chroot, loopback only.
  return [
    `127.0.0.1:${port} inet n - n - - smtpd`,
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'discard unix - - n - - discard',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'showq unix n - n - - showq',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'proxymap unix - - n - - proxymap',
    'proxywrite unix - - n - 1 proxymap',
    'postlog unix-dgram n - n - 1 postlogd',
    '',
  ].join('\n');
}

function countFiles(dir: string): number {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
      .length;
  } catch {
    return 0;
  }
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startPostfixSmtpd(port: number): Promise<PostfixSmtpd> {
  const dir = mkdtempSync(join(tmpdir(), 'postline-bench-postfix-'));
  // Postfix's daemons run as `postfix` and must reach the queue through this directory.
  chmodSync(dir, 0o755);
  const conf = join(dir, 'conf');
  mkdirSync(conf);
  mkdirSync(join(dir, 'queue'));
  mkdirSync(join(dir, 'data'));
  const uid = Number(execFileSync('id', ['-u', 'postfix']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postfix']).toString().trim());
  chownSync(join(dir, 'data'), uid, gid);
  writeFileSync(join(conf, 'main.cf'), mainCf(dir));
  writeFileSync(join(conf, 'master.cf'), masterCf(port));
  // Creates the queue's subdirectories with Postfix's own owners and modes.
  execFileSync('postfix', ['-c', conf, 'check'], { stdio: 'ignore' });
  const daemons = execFileSync('postconf', ['-c', conf, '-h', 'daemon_directory'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .toString()
    .trim();
  // Without -w the master stays in the foreground: its PID is this child's.
  const master = spawn(join(daemons, 'master'), ['-c', conf], { stdio: 'ignore' });
  const pid = master.pid!;
  const kill = () => master.kill('SIGKILL');
  process.once('exit', kill);
  const logTail = (lines = 20) => {
    try {
      return readFileSync(join(dir, 'maillog'), 'utf8')
        .trimEnd()
        .split('\n')
        .slice(-lines)
        .join('\n');
    } catch {
      return '(no maillog)';
    }
  };
  const stop = async () => {
    process.removeListener('exit', kill);
    // The master stops its own daemons on SIGTERM; any still alive after it (still in
    // the master's session, so not a recycled PID) are ended by PID.
    const daemonsLeft = childPids(pid);
    master.kill('SIGTERM');
    if (!(await exited(master, 10_000))) master.kill('SIGKILL');
    for (const child of daemonsLeft) {
      if (sessionId(child) !== pid) continue;
      try {
        process.kill(child, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, 'Postfix smtpd', 15_000);
  } catch (e) {
    const log = logTail();
    await stop();
    throw new Error(`${(e as Error).message}\n${log}`);
  }
  return {
    port,
    pid,
    backlog: () => QUEUES.reduce((n, q) => n + countFiles(join(dir, 'queue', q)), 0),
    cpuSeconds: () => treeCpuSeconds(pid),
    logTail,
    stop,
  };
}
