// CPU seconds and memory of benchmarked processes, from /proc (Linux).
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User + system CPU seconds of the process itself. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * CPU seconds of a process and all it has started: its own, those of its exited
 * (reaped) children, and those of its live children (and their reaped ones). A
 * live grandchild is not seen; Postfix's master has none.
 */
export function treeCpuSeconds(pid: number): number {
  const ticks = (f: string[]) => Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  let total = ticks(statFields(pid));
  for (const child of childPids(pid)) {
    try {
      total += ticks(statFields(child));
    } catch {
      // Exited between the listing and the read: its time is in the parent's now.
    }
  }
  return total / TICKS_PER_SECOND;
}

export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(Number(entry))[1]) === pid) children.push(Number(entry));
    } catch {
      // Gone already.
    }
  }
  return children;
}

/** Session id of a live process (a Postfix master leads its own session). */
export function sessionId(pid: number): number | undefined {
  try {
    return Number(statFields(pid)[3]);
  } catch {
    return undefined;
  }
}

function statusKb(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

export const rssMb = (pid: number) => statusKb(pid, 'VmRSS') / 1024;
export const peakRssMb = (pid: number) => statusKb(pid, 'VmHWM') / 1024;
