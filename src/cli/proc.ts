// Reading Linux's /proc for the CLI's lifetime guards: a process's parent, start time, name and
// command line, and the children of a process. Everywhere else (no /proc) every read is undefined
// or empty, and the guards fall back to what Node itself can tell.
import { readdirSync, readFileSync } from 'node:fs';

/** What /proc/<pid>/stat says about a process. */
export interface ProcStat {
  pid: number;
  /** The executable's name as the kernel keeps it (at most 15 characters), e.g. `sh`, `npm exec kube-`. */
  comm: string;
  ppid: number;
  /** Start time in clock ticks after boot: with the pid, it names one process even when pids are reused. */
  startTime: number;
  /** True for a zombie: it has ended and waits for its parent to collect its exit status. */
  zombie: boolean;
}

/**
 * Parses the text of /proc/<pid>/stat; undefined when it is not one. The name is taken between
 * the first '(' and the last ')', as it may itself hold spaces and parentheses.
 *
 * @example
 * parseProcStat('42 (sh) S 41 42 42 0 -1 ...')?.ppid; // 41
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // After ") ": state (field 3), ppid (4), ..., starttime (22).
  const fields = text.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  const startTime = Number(fields[19]);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isFinite(startTime)) return undefined;
  return { pid, comm: text.slice(open + 1, close), ppid, startTime, zombie: fields[0] === 'Z' };
}

/**
 * The stat of a running process, or undefined when it is gone (or there is no /proc).
 *
 * @example
 * procStat(process.pid)?.comm; // 'node'
 */
export function procStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The command line of a running process (empty when it is gone or there is no /proc).
 *
 * @example
 * procCmdline(process.pid)[0]; // the node binary
 */
export function procCmdline(pid: number): string[] {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return text.split('\0').filter((arg, i, all) => arg !== '' || i < all.length - 1);
  } catch {
    return [];
  }
}

/**
 * The processes whose parent is `pid` (empty when there is no /proc).
 *
 * @example
 * childProcesses(process.pid).map((c) => c.comm); // ['etcd', 'kube-apiserver']
 */
export function childProcesses(pid: number): ProcStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat?.ppid === pid) out.push(stat);
  }
  return out;
}

/**
 * True while the process that had this pid and start time runs (where there is no /proc: while
 * some process has the pid, whatever its start time).
 *
 * @example
 * const me = procStat(process.pid)!;
 * isRunning(me.pid, me.startTime); // true
 */
export function isRunning(pid: number, startTime: number | undefined): boolean {
  const stat = procStat(pid);
  if (stat) return !stat.zombie && (startTime === undefined || stat.startTime === startTime);
  try {
    process.kill(pid, 0); // no /proc (or the process is gone): ask the kernel
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
