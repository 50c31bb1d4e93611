// Leader election on a real Lease: three candidates in one process, exactly one leader at any time
// over many renew periods, failover within leaseDurationMs + two jittered retry pauses (plus slack)
// after the leader stops without releasing, and handover within one pause with releaseOnCancel.
import { describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { Clientset } from '../../src/kubernetes/index.js';
import { JITTER_FACTOR, LeaderElector, LeaseLock } from '../../src/tools/leaderelection/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

const timings = { leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 400 };
/** The longest jittered pause between two tries of a candidate: retryPeriodMs × (1 + 1.2). */
const longestPause = timings.retryPeriodMs * (1 + JITTER_FACTOR);
/**
 * Failover after a leader stops without releasing, at worst: a candidate sees the last renew up to
 * one pause after it happened, waits out the lease from then, and notices at its next try; plus 1 s
 * for requests on a busy machine.
 */
const failoverBound = timings.leaseDurationMs + 2 * longestPause + 1000;

async function election(name: string, releaseOnCancel: boolean) {
  const ns = await createTestNamespace('election');
  const cs = Clientset.forConfig({ ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 });
  const candidates = ['a', 'b', 'c'].map((id) => {
    const ac = new AbortController();
    const leadingSince: number[] = [];
    const le = new LeaderElector({
      lock: new LeaseLock(cs.coordinationV1.leases(ns), name, id),
      ...timings,
      releaseOnCancel,
      callbacks: { onStartedLeading: () => void leadingSince.push(Date.now()), onStoppedLeading: () => {} },
    });
    return { id, le, ac, leadingSince, done: le.run(ac.signal) };
  });
  return { ns, cs, candidates };
}

const leaders = <C extends { le: LeaderElector; ac: AbortController }>(cs: C[]): C[] =>
  cs.filter((c) => !c.ac.signal.aborted && c.le.isLeader());

describe('leader election against kube-apiserver', () => {
  it('keeps exactly one leader and fails over after the leader dies without releasing', async () => {
    const { ns, cs, candidates } = await election('no-release', false);
    let maxLeaders = 0;
    let sawOne = 0;
    const watch = setInterval(() => {
      const n = leaders(candidates).length;
      maxLeaders = Math.max(maxLeaders, n);
      if (n === 1) sawOne++;
    }, 25);
    await new Promise((r) => setTimeout(r, 4000)); // about 10 renew periods
    const [leader] = leaders(candidates);
    expect(leader).toBeDefined();
    const lease = await cs.coordinationV1.leases(ns).get('no-release');
    expect(lease.spec?.holderIdentity).toBe(leader!.id);
    const killedAt = Date.now();
    leader!.ac.abort();
    const rest = candidates.filter((c) => c !== leader);
    while (leaders(rest).length === 0) await new Promise((r) => setTimeout(r, 20));
    const failover = Date.now() - killedAt;
    clearInterval(watch);
    expect(maxLeaders).toBe(1);
    expect(sawOne).toBeGreaterThan(50);
    expect(failover).toBeLessThan(failoverBound);
    expect((await cs.coordinationV1.leases(ns).get('no-release')).spec?.leaseTransitions).toBeGreaterThanOrEqual(1);
    for (const c of candidates) c.ac.abort();
    await Promise.all(candidates.map((c) => c.done));
  }, 30_000);

  it('hands over at once with releaseOnCancel', async () => {
    const { candidates } = await election('release', true);
    while (leaders(candidates).length === 0) await new Promise((r) => setTimeout(r, 20));
    const [leader] = leaders(candidates);
    const releasedAt = Date.now();
    leader!.ac.abort();
    await leader!.done;
    const rest = candidates.filter((c) => c !== leader);
    while (leaders(rest).length === 0) await new Promise((r) => setTimeout(r, 20));
    // A candidate that read the lock just before the release tries again within one pause.
    expect(Date.now() - releasedAt).toBeLessThan(longestPause + 1000);
    for (const c of rest) c.ac.abort();
    await Promise.all(rest.map((c) => c.done));
  }, 30_000);
});

describe('leader election across processes', () => {
  it('elects one of three processes and fails over when the leader is killed with SIGKILL', async () => {
    const { spawn } = await import('node:child_process');
    const { existsSync } = await import('node:fs');
    expect(existsSync('dist/esm/tools/leaderelection/index.js'), 'run "npm run build" first (npm test does)').toBe(
      true,
    );
    const ns = await createTestNamespace('election-procs');
    const procs = ['p1', 'p2', 'p3'].map((id) => {
      const child = spawn(
        process.execPath,
        ['test/integration/fixtures/candidate.mjs', controlPlane.kubeconfigPath, ns, 'procs', id],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const lines: string[] = [];
      child.stdout.on('data', (d: Buffer) => lines.push(...d.toString().trim().split('\n')));
      return { id, child, lines };
    });
    const leadingNow = () =>
      procs.filter(
        (p) => p.child.exitCode === null && p.child.signalCode === null && p.lines.some((l) => l.startsWith('LEADING')),
      );
    const until = async (cond: () => boolean, ms: number) => {
      const end = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > end) throw new Error('condition not met in time');
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      await until(() => leadingNow().length > 0, 15_000);
      await new Promise((r) => setTimeout(r, 3000)); // several renew periods
      expect(leadingNow()).toHaveLength(1);
      const leader = leadingNow()[0]!;
      const cs = Clientset.forConfig({ ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 });
      expect((await cs.coordinationV1.leases(ns).get('procs')).spec?.holderIdentity).toBe(leader.id);
      const killedAt = Date.now();
      leader.child.kill('SIGKILL');
      await until(() => leadingNow().length === 1 && leadingNow()[0] !== leader, 10_000);
      expect(Date.now() - killedAt).toBeLessThan(failoverBound); // the fixture uses the same timings
      expect(leadingNow()).toHaveLength(1);
    } finally {
      for (const p of procs) p.child.kill('SIGKILL');
    }
  }, 40_000);
});
