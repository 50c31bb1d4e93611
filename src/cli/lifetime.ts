// Ties a control plane's lifetime to the CLI's, so that no way of stopping `kube-client envtest up`
// leaves etcd or kube-apiserver behind: the CLI watches whoever launched it (its parent, and the
// npm process above the shell when run by `npx`/`npm exec`) and stops the control plane when they
// are gone; a detached reaper stops it when the CLI itself is killed with a signal it cannot handle.
import { dirname } from 'node:path';
import type { ControlPlane } from '../envtest/index.js';
import { childProcesses, isRunning, type ProcStat, procCmdline, procStat } from './proc.js';
import { type Reaper, type ReapedProcess, startReaper } from './reaper.js';

/** Process names of shells that npm runs commands through (`sh -c "kube-client envtest up"`). */
const SHELLS = new Set(['sh', 'dash', 'bash', 'zsh', 'ash', 'ksh']);

/**
 * The processes whose end should end the CLI: its parent and, when npm launched the CLI through a
 * shell (npm sets `npm_command` in the environment), the shell's parent too: killing `npm exec`
 * leaves its shell waiting on the CLI, so the parent alone would never go.
 *
 * @example
 * launchers(process.pid).map((p) => p.comm); // ['sh', 'npm exec kube-'] under npx
 */
export function launchers(
  pid: number,
  env: NodeJS.ProcessEnv = process.env,
  stat: (pid: number) => ProcStat | undefined = procStat,
): ProcStat[] {
  const self = stat(pid);
  const parent = self ? stat(self.ppid) : undefined;
  if (!parent) return [];
  const out = [parent];
  if (env.npm_command && SHELLS.has(parent.comm)) {
    const grandparent = stat(parent.ppid);
    if (grandparent && grandparent.pid > 1) out.push(grandparent);
  }
  return out;
}

/**
 * Calls `onGone` once (with a short description) when a launcher has ended; returns a function
 * that stops watching. Where there is no /proc, a change of `process.ppid` is what tells.
 *
 * @example
 * const unwatch = watchLaunchers((who) => stop(`${who} exited`), 1000);
 */
export function watchLaunchers(onGone: (who: string) => void, intervalMs = 1000): () => void {
  const watched = launchers(process.pid);
  const initialPpid = process.ppid;
  const timer = setInterval(() => {
    const gone =
      watched.find((p) => !isRunning(p.pid, p.startTime)) ??
      (process.ppid !== initialPpid ? { pid: initialPpid, comm: 'parent' } : undefined);
    if (!gone) return;
    clearInterval(timer);
    onGone(`${gone.comm === 'parent' ? 'the parent process' : `"${gone.comm}"`} (pid ${gone.pid})`);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The control plane's own processes among the CLI's children (told apart from any other child by
 * their flags naming this control plane's etcd URL, or a file in its temp folder) and its temp dirs
 * (the kubeconfig's folder and etcd's data dir, both named `kube-client-*`).
 *
 * @example
 * const { processes, dirs } = controlPlaneProcesses(cp); // 2 processes, 2 dirs
 */
export function controlPlaneProcesses(
  cp: ControlPlane,
  pid = process.pid,
): { processes: ReapedProcess[]; dirs: string[] } {
  const etcdUrl = cp.server.etcdUrl;
  const processes: ReapedProcess[] = [];
  const envDir = dirname(cp.kubeconfigPath);
  const dirs = new Set<string>([envDir]);
  for (const child of childProcesses(pid)) {
    const args = procCmdline(child.pid);
    const mine =
      args.includes(`--etcd-servers=${etcdUrl}`) ||
      args.includes(`--listen-client-urls=${etcdUrl}`) ||
      args.some((a) => a.includes(`${envDir}/`)); // e.g. a node's kubelet or containerd, configured from there
    if (!mine) continue;
    processes.push({ pid: child.pid, startTime: child.startTime });
    for (const arg of args) if (arg.startsWith('--data-dir=')) dirs.add(arg.slice('--data-dir='.length));
  }
  const ours = [...dirs].filter((d) => /(^|\/)kube-client-[^/]+$/.test(d));
  return { processes, dirs: ours };
}

/**
 * Starts a reaper for a running control plane (none when its processes cannot be found, e.g.
 * where there is no /proc); undefined then.
 *
 * @example
 * const reaper = guardWithReaper(cp);
 * // ... after cp.stop():
 * reaper?.stop();
 */
export function guardWithReaper(cp: ControlPlane, intervalMs = 500): Reaper | undefined {
  const { processes, dirs } = controlPlaneProcesses(cp);
  if (processes.length === 0) return undefined;
  const self = procStat(process.pid);
  return startReaper({
    owner: { pid: process.pid, startTime: self?.startTime },
    processes,
    dirs,
    intervalMs,
    graceMs: 5000,
  });
}
