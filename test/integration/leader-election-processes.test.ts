// Leader election with two real processes (examples/more/leader-election.ts) against the control
// plane: the first process leads and reconciles, the second waits as a standby and reconciles
// nothing; after the leader is killed with SIGKILL (it cannot release the Lease) the standby takes
// over within the lease duration plus slack, and the two never reconcile at the same time.
// The example is bundled with esbuild (kube-client resolved to this checkout's sources) and run
// with plain Node, as a user's compiled controller would be.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { Clientset } from '../../src/kubernetes/index.js';
import { STAMPED } from '../../examples/more/leader-election.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

const LEASE_MS = 4000; // the example's default
const SLACK_MS = 12_000; // a loaded 2-core machine: process start, informer sync, retry period
const dir = resolve('.build/leader-election-example');
const bundle = `${dir}/main.mjs`;

interface Replica {
  child: ChildProcess;
  /** Reconcile times (the process's clock, ms since the epoch). */
  reconciles: number[];
  output: string[];
  exited: Promise<number | null>;
}

function startReplica(ns: string, identity: string): Replica {
  const child = spawn(process.execPath, [bundle, ns, identity], {
    env: { ...process.env, KUBECONFIG: controlPlane.kubeconfigPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r: Replica = {
    child,
    reconciles: [],
    output: [],
    exited: new Promise((done) => child.on('exit', (code) => done(code))),
  };
  let buffered = '';
  const onData = (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      r.output.push(line);
      const m = /^reconcile (\S+) (\d+)$/.exec(line);
      if (m) r.reconciles.push(Number(m[2]));
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return r;
}

const until = async (
  cond: () => boolean | Promise<boolean>,
  ms: number,
  what: string | (() => string),
): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${typeof what === 'string' ? what : what()}: not in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('leader election with two processes', () => {
  let ns: string;
  let cs: Clientset;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    await build({
      entryPoints: [resolve('examples/more/leader-election.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: bundle,
      packages: 'external',
      tsconfig: resolve('tsconfig.json'),
      logLevel: 'warning',
    });
    ns = await createTestNamespace('le-procs');
    cs = Clientset.forConfig({ ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 });
    await cs.coreV1.configMaps(ns).create({ metadata: { name: STAMPED } });
  }, 120_000);

  afterAll(async () => {
    for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await Promise.all(replicas.map((r) => r.exited));
  });

  it('one reconciles, the standby takes over after SIGKILL within the lease duration plus slack', async () => {
    const a = startReplica(ns, 'a');
    replicas.push(a);
    await until(
      () => a.reconciles.length >= 3,
      60_000,
      () => `a reconciles (output: ${a.output.join(' | ')})`,
    );

    const b = startReplica(ns, 'b');
    replicas.push(b);
    await until(
      () => b.output.some((l) => l.includes('the leader is a; waiting as a standby')),
      60_000,
      `b waits as a standby (output: ${b.output.join(' | ')})`,
    );
    // Several retry periods of b's: a keeps leading and reconciling, b reconciles nothing.
    const aBefore = a.reconciles.length;
    await new Promise((r) => setTimeout(r, LEASE_MS));
    expect(a.reconciles.length).toBeGreaterThan(aBefore);
    expect(b.reconciles).toEqual([]);
    const lease = await cs.coordinationV1.leases(ns).get('leader-election-example');
    expect(lease.spec?.holderIdentity).toBe('a');
    expect((await cs.coreV1.configMaps(ns).get(STAMPED)).data?.leader).toBe('a');

    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    expect(await a.exited).toBeNull(); // killed by the signal, no exit code
    await until(() => b.reconciles.length >= 3, LEASE_MS + SLACK_MS + 5000, 'b takes over');
    const takeover = b.reconciles[0]! - killedAt;
    expect(takeover).toBeLessThan(LEASE_MS + SLACK_MS);
    // Never both at once: every reconcile of b comes after the last one of a.
    expect(Math.min(...b.reconciles)).toBeGreaterThan(Math.max(...a.reconciles));
    const after = await cs.coordinationV1.leases(ns).get('leader-election-example');
    expect(after.spec?.holderIdentity).toBe('b');
    expect(after.spec?.leaseTransitions).toBe((lease.spec?.leaseTransitions ?? 0) + 1);
    await until(
      async () => (await cs.coreV1.configMaps(ns).get(STAMPED)).data?.leader === 'b',
      10_000,
      'the stamp says b',
    );

    // b stops gracefully on SIGTERM, releasing the Lease.
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    const released = await cs.coordinationV1.leases(ns).get('leader-election-example');
    expect(released.spec?.holderIdentity ?? '').toBe('');
    process.stdout.write(`leader election: b took over ${takeover} ms after a was killed (lease ${LEASE_MS} ms)\n`);
  }, 180_000);
});
