// Run records: every control plane writes, next to its temp folders, a small record of what it
// owns (its owner process, folders, child pids, node resources). A run whose owner died without
// cleaning up (kill -9, a crash, a killed test runner) is reaped at the next start: processes
// killed, containers removed, mounts undone, the bridge deleted, folders with keys removed.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  type NodeResources,
  processCommandLine,
  processStartTime,
  releaseNodeResources,
  unmountUnder,
} from './host.js';

/** What one control plane owns on this machine. */
export interface RunRecord {
  ownerPid: number;
  /** The owner's start time (clock ticks since boot), so a reused pid is not mistaken for it. */
  ownerStartTime: number | undefined;
  /** Folders to remove (temp folder, etcd data in /dev/shm). */
  dirs: string[];
  /** Pids of the processes it started (killed only if their command line names one of `dirs`). */
  pids: number[];
  /** Node resources, when it runs a node. */
  node?: NodeResources;
}

/** The folder that holds run records (`$TMPDIR/kube-client-envtest-runs`). */
export function runsDir(): string {
  return join(tmpdir(), 'kube-client-envtest-runs');
}

/**
 * Writes (or rewrites) the record of a run, readable by root only.
 *
 * @example
 * const file = writeRunRecord('run-abc', { ownerPid: process.pid, ownerStartTime: undefined, dirs: [dir], pids: [] });
 */
export function writeRunRecord(id: string, record: RunRecord): string {
  const dir = runsDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${id}.json`);
  writeFileSync(file, JSON.stringify(record), { mode: 0o600 });
  return file;
}

/** Removes the record of a run that stopped cleanly. */
export function removeRunRecord(file: string): void {
  rmSync(file, { force: true });
}

/**
 * Undoes what a run left behind. Synchronous, so that an 'exit' handler can use it too.
 *
 * @example
 * releaseRun(record); // containers, processes, mounts, bridge and folders gone
 */
export function releaseRun(record: RunRecord): void {
  for (const pid of record.pids) {
    const cmdline = processCommandLine(pid);
    if (cmdline && record.dirs.some((d) => cmdline.includes(d))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
  if (record.node) releaseNodeResources(record.node, record.dirs);
  else unmountUnder(record.dirs);
  for (const dir of record.dirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort: the next start tries again
    }
  }
}

function ownerAlive(record: RunRecord): boolean {
  const start = processStartTime(record.ownerPid);
  if (start === undefined) return false;
  return record.ownerStartTime === undefined || start === record.ownerStartTime;
}

/**
 * Reaps the runs whose owner process is gone (crashed or killed without cleanup). Returns how
 * many runs it released.
 *
 * @example
 * const reaped = reapOrphanedRuns();
 * if (reaped > 0) console.log(`envtest: cleaned up after ${reaped} earlier run(s)`);
 */
export function reapOrphanedRuns(): number {
  let entries: string[];
  try {
    entries = readdirSync(runsDir());
  } catch {
    return 0;
  }
  let reaped = 0;
  for (const entry of entries) {
    if (!entry.endsWith('.json')) continue;
    const file = join(runsDir(), entry);
    let record: RunRecord;
    try {
      record = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
    } catch {
      rmSync(file, { force: true });
      continue;
    }
    if (typeof record.ownerPid !== 'number' || ownerAlive(record)) continue;
    releaseRun({
      ownerPid: record.ownerPid,
      ownerStartTime: record.ownerStartTime,
      // Only folders envtest itself names (kube-client-*), whatever a record says.
      dirs: Array.isArray(record.dirs)
        ? record.dirs.filter((d) => typeof d === 'string' && basename(d).startsWith('kube-client-'))
        : [],
      pids: Array.isArray(record.pids) ? record.pids.filter((p) => Number.isInteger(p) && p > 1) : [],
      node: record.node,
    });
    rmSync(file, { force: true });
    reaped++;
  }
  return reaped;
}
