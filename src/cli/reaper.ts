// The reaper: a small detached Node process that outlives the CLI only to clean up after it. It
// polls the CLI's pid; once the CLI is gone without having stopped the control plane (kill -9, an
// out-of-memory kill), it stops etcd and kube-apiserver (SIGTERM, then SIGKILL after a grace) and
// removes their temp dirs. A clean stop of the CLI kills the reaper first.
import { spawn } from 'node:child_process';

/** One process, named by pid and /proc start time (so a reused pid is never signalled). */
export interface ReapedProcess {
  pid: number;
  /** /proc start time; undefined where there is no /proc. */
  startTime: number | undefined;
}

/** What the reaper watches and what it cleans up. */
export interface ReaperSpec {
  /** The process whose end sets the reaper off (the CLI). */
  owner: ReapedProcess;
  /** The processes to stop then. */
  processes: ReapedProcess[];
  /** The folders to remove then. */
  dirs: string[];
  /** How often the owner is checked (ms). */
  intervalMs: number;
  /** How long stopped processes get between SIGTERM and SIGKILL (ms). */
  graceMs: number;
}

/** A running reaper. */
export interface Reaper {
  /** The reaper's pid. */
  readonly pid: number | undefined;
  /** Ends the reaper (synchronous, safe twice): for a CLI that stopped the control plane itself. */
  stop(): void;
}

// Plain CommonJS for `node -e`, with nothing to import: it must run wherever the CLI runs.
const REAPER_SOURCE = `
const fs = require('fs');
const spec = JSON.parse(process.argv[1]);
function startOf(pid) {
  try {
    const f = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? -1 : Number(fields[19]); // a zombie has ended
  } catch { return undefined; }
}
function alive(p) {
  const s = startOf(p.pid);
  if (s !== undefined) return p.startTime === null || p.startTime === undefined || s === p.startTime;
  try { process.kill(p.pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}
function signal(p, sig) { if (alive(p)) { try { process.kill(p.pid, sig); } catch {} } }
function reap() {
  for (const p of spec.processes) signal(p, 'SIGTERM');
  const deadline = Date.now() + spec.graceMs;
  const t = setInterval(() => {
    const left = spec.processes.filter(alive);
    if (left.length > 0 && Date.now() < deadline) return;
    clearInterval(t);
    for (const p of left) signal(p, 'SIGKILL');
    for (const d of spec.dirs) { try { fs.rmSync(d, { recursive: true, force: true }); } catch {} }
    process.exit(0);
  }, 100);
}
for (const s of ['SIGINT', 'SIGHUP', 'SIGTERM']) process.on(s, () => {});
const watch = setInterval(() => { if (!alive(spec.owner)) { clearInterval(watch); reap(); } }, spec.intervalMs);
`;

/**
 * Starts a reaper in its own session (so a Ctrl-C or a hang-up aimed at the CLI's terminal does
 * not reach it) and lets the CLI exit without waiting for it.
 *
 * @example
 * const reaper = startReaper({ owner: { pid: process.pid, startTime }, processes, dirs, intervalMs: 500, graceMs: 5000 });
 * // ... after a clean stop:
 * reaper.stop();
 */
export function startReaper(spec: ReaperSpec): Reaper {
  const child = spawn(process.execPath, ['-e', REAPER_SOURCE, JSON.stringify(spec)], {
    detached: true,
    stdio: 'ignore',
  });
  child.on('error', () => {}); // no reaper (e.g. out of processes): the CLI's own handlers still clean up
  child.unref();
  let stopped = false;
  return {
    pid: child.pid,
    stop: () => {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
