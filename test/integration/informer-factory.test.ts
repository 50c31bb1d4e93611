// SharedInformerFactory with typed access mirroring the Clientset, and listers with label
// selectors and namespaces, against kube-apiserver.
import { describe, expect, it } from 'vitest';
import { isNotFound } from '../../src/apimachinery/errors.js';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { SharedInformerFactory } from '../../src/informers/index.js';
import { Clientset } from '../../src/kubernetes/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

describe('SharedInformerFactory', () => {
  it('shares one informer per resource and serves typed listers', async () => {
    const ns = await createTestNamespace('factory');
    const cs = Clientset.forConfig({ ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 });
    for (const [name, app] of [
      ['a', 'web'],
      ['b', 'web'],
      ['c', 'db'],
    ]) {
      await cs.coreV1.configMaps(ns).create({ metadata: { name, labels: { app: app! } }, data: { k: name! } });
    }
    const factory = SharedInformerFactory.create(cs, { namespace: ns });
    const cms = factory.coreV1.configMaps;
    expect(cms.informer()).toBe(factory.coreV1.configMaps.informer());
    factory.appsV1.deployments.informer();
    const ac = new AbortController();
    factory.start(ac.signal);
    const synced = await factory.waitForCacheSync(ac.signal);
    expect([...synced.values()]).toEqual([true, true]);
    const lister = cms.lister();
    expect(
      lister
        .list('app=web')
        .map((c) => c.metadata?.name)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(lister.namespace(ns).get('c').data?.k).toBe('c');
    expect(lister.namespace('elsewhere').list()).toEqual([]);
    expect(
      isNotFound(
        (() => {
          try {
            return lister.namespace(ns).get('nope');
          } catch (e) {
            return e;
          }
        })(),
      ),
    ).toBe(true);
    ac.abort();
    await factory.shutdown();
  });
});
