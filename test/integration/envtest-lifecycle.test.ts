// A control plane's whole life through the CLI: `kube-client envtest up` prints the kubeconfig,
// kubectl works against it, and Ctrl-C (SIGINT) stops both processes and removes the temp dirs.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The server processes among a process's children (its reaper, also a child, is not one). */
async function pidsOfServers(parent: number): Promise<number[]> {
  const { stdout } = await run('ps', ['-o', 'pid=,comm=', '--ppid', String(parent)]);
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, comm]) => comm === 'etcd' || comm === 'kube-apiserver')
    .map(([pid]) => Number(pid))
    .filter((n) => n > 0);
}

describe('kube-client envtest up', () => {
  it('starts, serves kubectl, and cleans up on SIGINT', async () => {
    expect(existsSync('dist/esm/cli/main.js'), 'run "npm run build" first (npm test does)').toBe(true);
    const child = spawn(process.execPath, ['bin/kube-client.js', 'envtest', 'up'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 90_000;
    while (!out.includes('Press Ctrl-C') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(out, err).toContain('Local control plane is up: kube-apiserver v1.20.2');
    const kubeconfig = /kubeconfig:\s+(\S+)/.exec(out)?.[1];
    expect(kubeconfig).toBeDefined();
    const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig!, 'get', 'ns', 'default', '-o', 'name']);
    expect(stdout.trim()).toBe('namespace/default');

    const servers = await pidsOfServers(child.pid!);
    expect(servers.length).toBe(2); // etcd and kube-apiserver
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(err).toContain('Control plane stopped');
    expect(existsSync(dirname(kubeconfig!))).toBe(false);
    for (const pid of servers) expect(isAlive(pid)).toBe(false);
  }, 120_000);
});
