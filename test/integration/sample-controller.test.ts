// The sample controller end to end against the real one-node cluster: a Foo gets an owned
// Deployment of the right size whose Pods really run, its status follows the Deployment's
// availability as the cluster's deployment controller reports it, scaling and deleting are reconciled, a name
// conflict is retried with backoff until it clears, and shutdown drains.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { Clientset } from '../../src/kubernetes/index.js';
import type { Config } from '../../src/rest/index.js';
import { type Foo, FooController } from '../../examples/sample-controller/controller.js';
import { Clientset as FooClientset } from '../../examples/sample-controller/generated/index.js';
import { installFooCrd } from '../../examples/sample-controller/install.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

const until = async <T>(fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('sample controller', () => {
  let ns: string;
  let config: Config;
  const events: string[] = [];
  let controller: FooController;
  const ac = new AbortController();
  let running: Promise<void>;

  beforeAll(async () => {
    ns = await createTestNamespace('sample');
    config = { ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 };
    await installFooCrd(config, 'examples/sample-controller/crd.yaml');
    controller = new FooController(config, {
      namespace: ns,
      container: {
        name: 'web',
        image: controlPlane.node.images.busybox,
        imagePullPolicy: 'Never',
        command: ['httpd', '-f', '-p', '8080'],
      },
      observer: { log: () => {}, event: (f, type, reason) => events.push(`${type} ${reason} ${f.metadata?.name}`) },
    });
    running = controller.run(2, ac.signal);
  }, 90_000);

  afterAll(async () => {
    ac.abort();
    await running;
  });

  const foos = () => FooClientset.forConfig(config).samplecontrollerV1alpha1.foos(ns);
  const deployments = () => Clientset.forConfig(config).appsV1.deployments(ns);
  const foo = (name: string, deploymentName: string, replicas: number): Foo => ({
    apiVersion: 'samplecontroller.k8s.io/v1alpha1',
    kind: 'Foo',
    metadata: { name },
    spec: { deploymentName, replicas },
  });

  it('creates an owned Deployment with the Foo replicas, mirrors availability, and reconciles changes', async () => {
    const created = await foos().create(foo('foo-a', 'dep-a', 2));
    const dep = await until(async () => await deployments().get('dep-a'));
    expect(dep.spec?.replicas).toBe(2);
    expect(dep.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Foo', name: 'foo-a', uid: created.metadata?.uid, controller: true }),
    ]);

    // The cluster's deployment controller and the node make 2 replicas available; the Foo status follows.
    await until(async () => ((await foos().get('foo-a')).status?.availableReplicas === 2 ? true : undefined), 120_000);

    await foos().patch('foo-a', 'application/merge-patch+json', { spec: { replicas: 3 } });
    await until(async () => (((await deployments().get('dep-a')).spec?.replicas ?? 0) === 3 ? true : undefined));

    await deployments().delete('dep-a');
    const recreated = await until(async () => {
      const d = await deployments().get('dep-a');
      return d.metadata?.uid !== dep.metadata?.uid ? d : undefined;
    });
    expect(recreated.spec?.replicas).toBe(3);
    expect(events).toContain('Normal Synced foo-a');
  });

  it('retries a name conflict with backoff and succeeds once it clears', async () => {
    await deployments().create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'taken' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'taken' } },
        template: { metadata: { labels: { app: 'taken' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    });
    await foos().create(foo('foo-b', 'taken', 1));
    await until(async () => (controller.queue.numRequeues(`${ns}/foo-b`) >= 3 ? true : undefined));
    expect(events).toContain('Warning ErrResourceExists foo-b');
    await deployments().delete('taken');
    const owned = await until(async () => {
      const d = await deployments().get('taken');
      return d.metadata?.ownerReferences?.[0]?.name === 'foo-b' ? d : undefined;
    }, 30_000);
    expect(owned.spec?.replicas).toBe(1);
    await until(async () => (controller.queue.numRequeues(`${ns}/foo-b`) === 0 ? true : undefined));
  }, 60_000);

  it('stops gracefully, draining in-flight work', async () => {
    ac.abort();
    await running;
    expect(controller.queue.shuttingDown()).toBe(true);
    expect(controller.stats.workers).toBe(0);
  });
});
