// Run records: a control plane whose owner died (kill -9, a crash) is reaped at the next start: its
// processes killed, its folders (keys, etcd data) removed; live owners and foreign folders are left.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processStartTime } from '../../../src/envtest/host.js';
import { reapOrphanedRuns, runsDir, writeRunRecord } from '../../../src/envtest/runs.js';

const exitedPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid;

describe('run records', () => {
  const savedTmp = process.env.TMPDIR;
  const realTmp = tmpdir();
  let base: string;
  beforeEach(() => {
    base = mkdtempSync(join(realTmp, 'runs-test-'));
    process.env.TMPDIR = base;
  });
  afterEach(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    rmSync(base, { recursive: true, force: true });
  });

  it('reaps a run whose owner died: kills its processes and removes its folders', async () => {
    const dir = join(base, 'kube-client-envtest-dead');
    mkdirSync(join(dir, 'keys'), { recursive: true });
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', dir], { stdio: 'ignore' });
    const gone = new Promise((resolve) => child.once('exit', resolve));
    writeRunRecord('kube-client-envtest-dead', {
      ownerPid: exitedPid(),
      ownerStartTime: 1,
      dirs: [dir],
      pids: [child.pid!],
    });

    expect(reapOrphanedRuns()).toBe(1);
    await gone;
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(runsDir(), 'kube-client-envtest-dead.json'))).toBe(false);
  });

  it('leaves runs whose owner lives, and never kills a pid whose command line names none of its folders', async () => {
    const dir = join(base, 'kube-client-envtest-live');
    mkdirSync(dir);
    writeRunRecord('live', {
      ownerPid: process.pid,
      ownerStartTime: processStartTime(process.pid),
      dirs: [dir],
      pids: [],
    });
    const bystander = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const other = join(base, 'kube-client-envtest-other');
    mkdirSync(other);
    writeRunRecord('other', { ownerPid: exitedPid(), ownerStartTime: 1, dirs: [other], pids: [bystander.pid!] });

    expect(reapOrphanedRuns()).toBe(1);
    expect(existsSync(dir)).toBe(true);
    expect(existsSync(other)).toBe(false);
    expect(bystander.exitCode).toBeNull();
    bystander.kill();
  });

  it('treats a reused pid (another start time) as a dead owner', () => {
    const dir = join(base, 'kube-client-envtest-reused');
    mkdirSync(dir);
    writeRunRecord('reused', { ownerPid: process.pid, ownerStartTime: -1, dirs: [dir], pids: [] });
    expect(reapOrphanedRuns()).toBe(1);
    expect(existsSync(dir)).toBe(false);
  });

  it('removes only folders envtest names, whatever a record says', () => {
    const foreign = join(base, 'precious');
    mkdirSync(foreign);
    writeRunRecord('foreign', { ownerPid: exitedPid(), ownerStartTime: 1, dirs: [foreign, '/'], pids: [] });
    expect(reapOrphanedRuns()).toBe(1);
    expect(existsSync(foreign)).toBe(true);
  });
});
