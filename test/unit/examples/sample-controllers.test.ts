// Both sample controllers over the fake API, as a fast check beside their integration tests: a Foo
// gets its owned Deployment of the right size and a status, on the client-go port and on the toolkit.
import { describe, expect, it } from 'vitest';
import { FooController } from '../../../examples/sample-controller/controller.js';
import { addFooController } from '../../../examples/sample-controller-toolkit/controller.js';
import type { KubeObject } from '../../../src/apimachinery/meta.js';
import { Manager } from '../../../src/controller/index.js';
import { newSimpleDynamicClient } from '../../../src/fake/index.js';

const fooGvr = { group: 'samplecontroller.k8s.io', version: 'v1alpha1', resource: 'foos' };
const deploymentGvr = { group: 'apps', version: 'v1', resource: 'deployments' };
type Dep = KubeObject & { spec?: { replicas?: number } };

function fake() {
  return newSimpleDynamicClient([
    {
      gvr: fooGvr,
      object: {
        apiVersion: 'samplecontroller.k8s.io/v1alpha1',
        kind: 'Foo',
        metadata: { name: 'f', namespace: 'ns' },
        spec: { deploymentName: 'd', replicas: 2 },
      } as KubeObject,
    },
  ]).api;
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function deploymentOf(api: ReturnType<typeof fake>): Dep | undefined {
  try {
    return api.tracker.get(deploymentGvr, 'ns', 'd') as Dep;
  } catch {
    return undefined;
  }
}

describe('sample controllers on the fake API', () => {
  it('client-go port: typed clients and listers, owned Deployment, Synced event', async () => {
    const api = fake();
    const events: string[] = [];
    const controller = new FooController(api.config(), {
      namespace: 'ns',
      observer: { log: () => {}, event: (_f, type, reason) => events.push(`${type} ${reason}`) },
    });
    const ac = new AbortController();
    const running = controller.run(2, ac.signal);
    await until(() => events.includes('Normal Synced'));
    const dep = deploymentOf(api);
    expect(dep?.spec?.replicas).toBe(2);
    expect(dep?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Foo', name: 'f', controller: true });
    ac.abort();
    await running;
  });

  it('toolkit: owned Deployment and status', async () => {
    const api = fake();
    const mgr = new Manager({ config: api.config(), promClient: false, log: () => {} });
    const controller = addFooController(mgr, 'ns');
    const ac = new AbortController();
    const running = mgr.start(ac.signal);
    const status = () => (api.tracker.get(fooGvr, 'ns', 'f') as { status?: { availableReplicas?: number } }).status;
    await until(() => status()?.availableReplicas === 0);
    const dep = deploymentOf(api);
    expect(dep?.spec?.replicas).toBe(2);
    expect(dep?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Foo', name: 'f', controller: true });
    expect(controller.stats.errors).toBe(0);
    ac.abort();
    await running;
  });
});
