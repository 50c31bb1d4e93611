// The CLI's lifetime guards: /proc parsing, which launchers are watched (the npm process above
// npm's shell too), finding the control plane's own children, and the reaper, run for real on
// stand-in processes: it stops them (SIGKILL for one that ignores SIGTERM) and removes the dirs
// once its owner is killed, never signals a process whose pid was reused, and stops on request.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { controlPlaneProcesses, launchers } from '../../../src/cli/lifetime.js';
import { isRunning, type ProcStat, parseProcStat, procCmdline, procStat } from '../../../src/cli/proc.js';
import { startReaper } from '../../../src/cli/reaper.js';
import type { ControlPlane } from '../../../src/envtest/index.js';

const started: ChildProcess[] = [];
const dirs: string[] = [];

/** A stand-in process that runs until killed (optionally ignoring SIGTERM), with extra argv. */
function standIn(args: string[] = [], ignoreTerm = false): ChildProcess {
  const code = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000); console.log('ready');`;
  const child = spawn(process.execPath, ['-e', code, '--', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(child);
  return child;
}

/** Resolves once a stand-in has set up (its SIGTERM handler included). */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.stdout?.once('data', () => resolve()));
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

const startOf = (pid: number | undefined) => procStat(pid!)!.startTime;

afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('parseProcStat', () => {
  const tail = 'S 41 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10';
  it.each<[string, string, Partial<ProcStat> | undefined]>([
    ['a plain name', `42 (sh) ${tail}`, { pid: 42, comm: 'sh', ppid: 41, startTime: 987654, zombie: false }],
    ['a zombie', `46 (etcd) Z${tail.slice(1)}`, { pid: 46, comm: 'etcd', zombie: true }],
    ['a name with spaces', `43 (npm exec kube-) ${tail}`, { pid: 43, comm: 'npm exec kube-', ppid: 41 }],
    ['a name with parentheses', `44 (a) (b)) ${tail}`, { comm: 'a) (b)', ppid: 41, startTime: 987654 }],
    ['not a stat line', 'garbage', undefined],
    ['a truncated line', '45 (x) S', undefined],
  ])('%s', (_, text, want) => {
    const got = parseProcStat(text);
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toMatchObject(want);
  });

  it('reads this process: its parent and a start time that tells it apart', () => {
    const me = procStat(process.pid);
    expect(me?.ppid).toBe(process.ppid);
    expect(isRunning(process.pid, me?.startTime)).toBe(true);
    expect(isRunning(process.pid, (me?.startTime ?? 0) + 1)).toBe(false);
    expect(procCmdline(process.pid)[0]).toBe(process.execPath);
  });
});

describe('launchers: who is watched', () => {
  const table: Record<number, ProcStat> = {
    10: { pid: 10, comm: 'node', ppid: 9, startTime: 1, zombie: false },
    9: { pid: 9, comm: 'sh', ppid: 8, startTime: 1, zombie: false },
    8: { pid: 8, comm: 'npm exec kube-', ppid: 7, startTime: 1, zombie: false },
    20: { pid: 20, comm: 'node', ppid: 8, startTime: 1, zombie: false },
    30: { pid: 30, comm: 'node', ppid: 31, startTime: 1, zombie: false },
    31: { pid: 31, comm: 'sh', ppid: 1, startTime: 1, zombie: false },
  };
  const stat = (pid: number) => table[pid];
  it.each<[string, number, NodeJS.ProcessEnv, number[]]>([
    ['npx through a shell: the shell and npm', 10, { npm_command: 'exec' }, [9, 8]],
    ['a shell not started by npm: the shell only', 10, {}, [9]],
    ['npm without a shell: npm only', 20, { npm_command: 'exec' }, [8]],
    ['a shell whose parent is init: the shell only', 30, { npm_command: 'exec' }, [31]],
    ['an unknown process: nothing', 99, {}, []],
  ])('%s', (_, pid, env, want) => {
    expect(launchers(pid, env, stat).map((p) => p.pid)).toEqual(want);
  });
});

describe('controlPlaneProcesses', () => {
  it("finds the children that name this control plane's etcd URL or temp folder, and the kube-client-* dirs", async () => {
    const envDir = tempDir('kube-client-envtest-');
    const dataDir = tempDir('kube-client-etcd-');
    const url = 'http://127.0.0.1:45678';
    const etcd = standIn([`--listen-client-urls=${url}`, `--data-dir=${dataDir}`]);
    const apiserver = standIn([`--etcd-servers=${url}`, '--data-dir=/var/lib/not-ours']);
    const kubelet = standIn([`--kubeconfig=${join(envDir, 'kubelet.kubeconfig')}`]);
    standIn([`--etcd-servers=http://127.0.0.1:1`]); // another control plane's
    standIn(); // anything else
    const cp = { kubeconfigPath: join(envDir, 'kubeconfig'), server: { etcdUrl: url } } as unknown as ControlPlane;
    standIn([`--config=${envDir}-other/containerd.toml`]); // a folder that only starts with the same name
    await vi.waitFor(() => expect(controlPlaneProcesses(cp).processes).toHaveLength(3));
    const found = controlPlaneProcesses(cp);
    expect(found.processes.map((p) => p.pid).sort()).toEqual([etcd.pid, apiserver.pid, kubelet.pid].sort());
    expect(found.processes.every((p) => p.startTime === startOf(p.pid))).toBe(true);
    expect(found.dirs.sort()).toEqual([envDir, dataDir].sort());
  });
});

describe('the reaper', () => {
  const gone = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

  it('stops the processes and removes the dirs once its owner is killed', async () => {
    const owner = standIn();
    const polite = standIn();
    const stubborn = standIn([], true);
    const innocent = standIn();
    const dir = tempDir('kube-client-envtest-');
    await Promise.all([owner, polite, stubborn, innocent].map(ready));
    const reaper = startReaper({
      owner: { pid: owner.pid!, startTime: startOf(owner.pid) },
      processes: [
        { pid: polite.pid!, startTime: startOf(polite.pid) },
        { pid: stubborn.pid!, startTime: startOf(stubborn.pid) },
        // the same pid with another start time: a reused pid, never signalled
        { pid: innocent.pid!, startTime: startOf(innocent.pid) + 1 },
      ],
      dirs: [dir],
      intervalMs: 100,
      graceMs: 1000,
    });
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect([gone(polite), gone(stubborn), existsSync(dir)]).toEqual([false, false, true]);
      owner.kill('SIGKILL');
      await vi.waitFor(() => expect([gone(polite), gone(stubborn), existsSync(dir)]).toEqual([true, true, false]), {
        timeout: 15_000,
        interval: 100,
      });
      expect(polite.signalCode).toBe('SIGTERM');
      expect(stubborn.signalCode).toBe('SIGKILL');
      expect(gone(innocent)).toBe(false);
    } finally {
      reaper.stop();
    }
  });

  it('ends on stop() without touching anything', async () => {
    const owner = standIn();
    const server = standIn();
    const dir = tempDir('kube-client-envtest-');
    const reaper = startReaper({
      owner: { pid: owner.pid!, startTime: startOf(owner.pid) },
      processes: [{ pid: server.pid!, startTime: startOf(server.pid) }],
      dirs: [dir],
      intervalMs: 100,
      graceMs: 1000,
    });
    await vi.waitFor(() => expect(procStat(reaper.pid!)).toBeDefined());
    reaper.stop();
    reaper.stop();
    await vi.waitFor(() => expect(isRunning(reaper.pid!, undefined)).toBe(false), { timeout: 10_000 });
    owner.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    expect([gone(server), existsSync(dir)]).toEqual([false, true]);
  });
});
