// `kube-client envtest up` never leaves etcd or kube-apiserver running, however it is ended: with
// the npm-exec-like launcher above its shell killed (-9: nothing is forwarded), and with the CLI
// itself killed (-9: its own handlers never run, the reaper cleans up). Each case starts its own
// control plane through the built CLI (bin/kube-client.js; npm test builds first).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { childProcesses, isRunning, procCmdline, procStat } from '../../src/cli/proc.js';
import { expectBuilt } from '../support/cli.js';

const bin = resolve('bin/kube-client.js');
const launched: ChildProcess[] = [];
const leftovers: Array<{ pid: number; startTime: number }> = [];

/** Every process below `pid`, depth first. */
function descendants(pid: number): number[] {
  return childProcesses(pid).flatMap((c) => [c.pid, ...descendants(c.pid)]);
}

/** The etcd and kube-apiserver below `root`, with their start times, and the kubeconfig's folder. */
function servers(root: number): Array<{ pid: number; startTime: number; name: string }> {
  return descendants(root)
    .map((pid) => ({ pid, stat: procStat(pid), args: procCmdline(pid) }))
    .filter(
      (p) => p.stat && p.args.some((a) => a.startsWith('--etcd-servers=') || a.startsWith('--listen-client-urls=')),
    )
    .map((p) => ({ pid: p.pid, startTime: p.stat!.startTime, name: p.stat!.comm }));
}

/** Starts `command args` and resolves once the CLI printed the kubeconfig path. */
async function up(command: string, args: string[]): Promise<{ child: ChildProcess; kubeconfig: string }> {
  const child = spawn(command, args, {
    env: { ...process.env, npm_command: 'exec' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  launched.push(child);
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => {
    err += String(d);
  });
  const kubeconfig = await new Promise<string>((ok, fail) => {
    child.stdout?.on('data', (d) => {
      out += String(d);
      const m = /kubeconfig: {2}(\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    child.once('exit', (code) => fail(new Error(`the CLI exited (${code}) before it was up:\n${err}`)));
  });
  return { child, kubeconfig };
}

afterEach(() => {
  for (const c of launched.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const p of leftovers.splice(0)) if (isRunning(p.pid, p.startTime)) process.kill(p.pid, 'SIGKILL');
});

describe('kube-client envtest up leaves nothing behind', () => {
  it('when the npm exec that launched it through a shell is killed with SIGKILL', async () => {
    expectBuilt('dist/esm/cli/main.js');
    // The shape of `npx kube-client envtest up`: npm (here a node process) → sh -c → node CLI.
    const fakeNpm = `require('node:child_process').spawn('sh', ['-c', ${JSON.stringify(
      `"${process.execPath}" "${bin}" envtest up`,
    )}], { stdio: 'inherit' }); setInterval(() => {}, 1000);`;
    const { child, kubeconfig } = await up(process.execPath, ['-e', fakeNpm]);
    const found = servers(child.pid!);
    leftovers.push(...found);
    expect(found.map((s) => s.name).sort()).toEqual(['etcd', 'kube-apiserver']);
    expect(existsSync(dirname(kubeconfig))).toBe(true);

    child.kill('SIGKILL');
    await vi.waitFor(
      () => {
        expect(found.filter((s) => isRunning(s.pid, s.startTime))).toEqual([]);
        expect(existsSync(dirname(kubeconfig))).toBe(false);
      },
      { timeout: 30_000, interval: 250 },
    );
  }, 120_000);

  it('when the CLI itself is killed with SIGKILL', async () => {
    expectBuilt('dist/esm/cli/main.js');
    const { child, kubeconfig } = await up(process.execPath, [bin, 'envtest', 'up']);
    const found = servers(child.pid!);
    leftovers.push(...found);
    expect(found.map((s) => s.name).sort()).toEqual(['etcd', 'kube-apiserver']);
    const etcdDataDir = procCmdline(found.find((s) => s.name === 'etcd')!.pid)
      .find((a) => a.startsWith('--data-dir='))
      ?.slice('--data-dir='.length);
    expect(etcdDataDir && existsSync(etcdDataDir)).toBe(true);

    child.kill('SIGKILL');
    await vi.waitFor(
      () => {
        expect(found.filter((s) => isRunning(s.pid, s.startTime))).toEqual([]);
        expect([existsSync(dirname(kubeconfig)), existsSync(join(etcdDataDir!))]).toEqual([false, false]);
      },
      { timeout: 30_000, interval: 250 },
    );
  }, 120_000);
});
