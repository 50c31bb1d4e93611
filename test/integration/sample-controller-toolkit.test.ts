// The toolkit's sample controller (examples/sample-controller-toolkit) against kube-apiserver: the
// client-go sample's whole job on kube-client/controller: an owned Deployment of the right size,
// status following the Deployment, scaling, a deleted Deployment recreated, a name conflict
// retried with backoff until it clears, Synced and ErrResourceExists events, leader election with
// a standby that takes over, and a drained shutdown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFooController, type Foo } from '../../examples/sample-controller-toolkit/controller.js';
import { Clientset as FooClientset } from '../../examples/sample-controller-toolkit/generated/index.js';
import { installCrd } from '../../examples/sample-controller-toolkit/install.js';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { type Controller, Manager } from '../../src/controller/index.js';
import type { Config } from '../../src/rest/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

const until = async <T>(fn: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await Promise.resolve()
      .then(fn)
      .catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('sample controller on the toolkit', () => {
  let ns: string;
  let config: Config;
  const logs: string[] = [];
  let mgr: Manager;
  let controller: Controller<Foo>;
  const ac = new AbortController();
  let running: Promise<void>;
  const leaderElection = (identity: string) => ({
    name: 'foo-toolkit',
    namespace: ns,
    identity,
    leaseDurationMs: 4000,
    renewDeadlineMs: 3000,
    retryPeriodMs: 500,
  });

  beforeAll(async () => {
    ns = await createTestNamespace('toolkit');
    config = { ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 };
    mgr = new Manager({ config, promClient: false, log: (l) => logs.push(l), leaderElection: leaderElection('first') });
    await installCrd(mgr.clientset, 'examples/sample-controller/crd.yaml');
    controller = addFooController(mgr, ns);
    running = mgr.start(ac.signal);
  }, 90_000);

  afterAll(async () => {
    ac.abort();
    await running;
  });

  const foos = () => FooClientset.forConfig(config).samplecontrollerV1alpha1.foos(ns);
  const deployments = () => mgr.clientset.appsV1.deployments(ns);
  const events = async (reason: string, name: string) =>
    (await mgr.clientset.coreV1.events(ns).list()).items.filter(
      (e) => e.reason === reason && e.involvedObject.name === name && e.involvedObject.kind === 'Foo',
    );

  it('creates an owned Deployment, mirrors availability, scales, recreates a deleted Deployment, records events', async () => {
    const created = await foos().create({
      metadata: { name: 'foo-a' },
      spec: { deploymentName: 'dep-a', replicas: 2 },
    });
    const dep = await until(() => deployments().get('dep-a'));
    expect(dep.spec?.replicas).toBe(2);
    expect(dep.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Foo', name: 'foo-a', uid: created.metadata?.uid, controller: true }),
    ]);

    // Move the Deployment's status (the real deployment controller may set it back, as no Pod needs
    // to run here): the Foo's status follows whatever the Deployment reports.
    await deployments().patch(
      'dep-a',
      'application/merge-patch+json',
      { status: { replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 } },
      {},
      'status',
    );
    await until(async () => {
      const [f, d] = await Promise.all([foos().get('foo-a'), deployments().get('dep-a')]);
      const available = f.status?.availableReplicas;
      return available !== undefined && available === (d.status?.availableReplicas ?? 0);
    });

    await foos().patch('foo-a', 'application/merge-patch+json', { spec: { replicas: 3 } });
    await until(async () => (await deployments().get('dep-a')).spec?.replicas === 3);

    await deployments().delete('dep-a');
    const recreated = await until(async () => {
      const d = await deployments().get('dep-a');
      return d.metadata?.uid !== dep.metadata?.uid ? d : undefined;
    });
    expect(recreated.spec?.replicas).toBe(3);
    await until(async () => (await events('Synced', 'foo-a')).length > 0);
  });

  it('retries a name conflict with backoff (Warning event) and succeeds once it clears', async () => {
    await deployments().create({
      metadata: { name: 'taken' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'taken' } },
        template: { metadata: { labels: { app: 'taken' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    });
    await foos().create({ metadata: { name: 'foo-b' }, spec: { deploymentName: 'taken', replicas: 1 } });
    const req = { namespace: ns, name: 'foo-b' };
    await until(() => controller.numRequeues(req) >= 3);
    expect(controller.stats.errors).toBeGreaterThanOrEqual(3);
    expect(logs.some((l) => l.includes(`reconcile ${ns}/foo-b failed`) && l.includes('not managed by Foo'))).toBe(true);
    await until(async () => (await events('ErrResourceExists', 'foo-b')).length > 0);
    await deployments().delete('taken');
    const owned = await until(async () => {
      const d = await deployments().get('taken');
      return d.metadata?.ownerReferences?.[0]?.name === 'foo-b' ? d : undefined;
    });
    expect(owned.spec?.replicas).toBe(1);
    await until(() => controller.numRequeues(req) === 0);
  }, 60_000);

  it('a standby manager on the same Lease waits, then takes over when the leader stops (drained)', async () => {
    const standbyLogs: string[] = [];
    const standby = new Manager({
      config,
      promClient: false,
      log: (l) => standbyLogs.push(l),
      leaderElection: leaderElection('second'),
    });
    const standbyController = addFooController(standby, ns);
    const standbyAc = new AbortController();
    const standbyRunning = standby.start(standbyAc.signal);
    try {
      await until(() => standby.leader() === 'first');
      await foos().create({ metadata: { name: 'foo-c' }, spec: { deploymentName: 'dep-c', replicas: 1 } });
      await until(() => deployments().get('dep-c'));
      expect(standby.isLeader()).toBe(false);
      expect(standbyController.stats.reconciles).toBe(0);

      ac.abort();
      await running;
      expect(mgr.isLeader()).toBe(false);
      expect(controller.stats.activeWorkers).toBe(0);

      await until(() => standby.isLeader(), 20_000);
      await foos().patch('foo-c', 'application/merge-patch+json', { spec: { replicas: 2 } });
      await until(async () => (await deployments().get('dep-c')).spec?.replicas === 2);
      expect(standbyController.stats.reconciles).toBeGreaterThan(0);
    } finally {
      standbyAc.abort();
      await standbyRunning;
    }
  }, 60_000);
});
