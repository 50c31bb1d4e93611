// The scale client through the RESTMapper, and a CRD used through the client the generator made
// from its YAML (examples/sample-controller/generated, `kube-client-gen --crd`).
import { beforeAll, describe, expect, it } from 'vitest';
import { isNotFound } from '../../src/apimachinery/errors.js';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { DiscoveryClient, MemCacheDiscovery } from '../../src/discovery/index.js';
import { Clientset as BuiltIn } from '../../src/kubernetes/index.js';
import { DeferredDiscoveryRESTMapper } from '../../src/restmapper/index.js';
import { ScaleClient } from '../../src/scale/index.js';
import {
  Clientset as FooClientset,
  type samplecontroller_k8s_io_v1alpha1,
  samplecontrollerV1alpha1,
} from '../../examples/sample-controller/generated/index.js';
import { installFooCrd } from '../../examples/sample-controller/install.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

describe('scale client and a generated CRD client', () => {
  const config = { ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 };
  let ns: string;
  beforeAll(async () => {
    ns = await createTestNamespace('scale');
  });

  it('gets and updates the scale of a Deployment by group and resource', async () => {
    await BuiltIn.forConfig(config)
      .appsV1.deployments(ns)
      .create({
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
        },
      });
    const scales = ScaleClient.forConfig(
      config,
      new DeferredDiscoveryRESTMapper(new MemCacheDiscovery(DiscoveryClient.forConfig(config))),
    ).scales(ns);
    const s = await scales.get({ group: 'apps', resource: 'deployments' }, 'web');
    expect(s.spec?.replicas).toBe(1);
    expect(
      // No resourceVersion: the cluster's deployment controller may have written the Deployment since.
      (
        await scales.update(
          { group: 'apps', resource: 'deploy' },
          { ...s, metadata: { ...s.metadata, resourceVersion: undefined }, spec: { replicas: 3 } },
        )
      ).spec?.replicas,
    ).toBe(3);
    const patched = await scales.patch(
      { group: 'apps', version: 'v1', resource: 'deployments' },
      'web',
      'application/merge-patch+json',
      { spec: { replicas: 2 } },
    );
    expect(patched.spec?.replicas).toBe(2);
  });

  it('does typed CRUD and status updates on Foos with the generated client', async () => {
    await installFooCrd(config, 'examples/sample-controller/crd.yaml');
    const foos = FooClientset.forConfig(config).samplecontrollerV1alpha1.foos(ns);
    const foo: samplecontroller_k8s_io_v1alpha1.Foo = {
      metadata: { name: 'typed' },
      spec: { deploymentName: 'typed-dep', replicas: 2 },
    };
    const created = await foos.create(foo);
    expect(created.spec?.replicas).toBe(2);
    const withStatus = await foos.updateStatus({ ...created, status: { availableReplicas: 1 } });
    expect(withStatus.status?.availableReplicas).toBe(1);
    const applied = await foos.apply(
      {
        ...samplecontrollerV1alpha1.fooApplyConfiguration('typed', ns),
        spec: { deploymentName: 'typed-dep', replicas: 4 },
      },
      { fieldManager: 'test', force: true },
    );
    expect(applied.spec?.replicas).toBe(4);
    expect((await foos.list()).items.map((f) => f.metadata?.name)).toEqual(['typed']);
    await foos.delete('typed');
    expect(isNotFound(await foos.get('typed').catch((e: unknown) => e))).toBe(true);
  });
});
