// A SharedIndexInformer against the real apiserver: it syncs, follows adds/updates/deletes, and
// recovers when a TCP proxy cuts its watch stream (a fault the server cannot make on demand),
// ending with a cache equal to the server's state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PatchType } from '../../src/apimachinery/meta.js';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { type Config, restClientFor, type RESTClient } from '../../src/rest/index.js';
import { newListWatchFromClient, SharedIndexInformer, waitForCacheSync } from '../../src/tools/cache/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';
import { startCuttingProxy } from '../support/cutting-proxy.js';

interface ConfigMap {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  data?: Record<string, string>;
}

const until = async (cond: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('SharedIndexInformer against kube-apiserver', () => {
  let ns: string;
  let config: Config;
  let rc: RESTClient;
  beforeAll(async () => {
    ns = await createTestNamespace('informer');
    config = { ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 };
    rc = restClientFor({ ...config, apiPath: '/api', groupVersion: { group: '', version: 'v1' } });
  });
  afterAll(async () => {
    await rc
      .delete()
      .resource('namespaces')
      .name(ns)
      .do()
      .catch(() => {});
  });

  it('syncs the initial list and follows add, update and delete', async () => {
    for (let i = 0; i < 30; i++)
      await rc
        .post()
        .namespace(ns)
        .resource('configmaps')
        .body({ metadata: { name: `pre-${i}` } })
        .do();
    const informer = new SharedIndexInformer<ConfigMap>(newListWatchFromClient(rc, 'configmaps', ns));
    const events: string[] = [];
    const reg = informer.addEventHandler({
      onAdd: (cm, initial) => void (initial || events.push(`add ${cm.metadata.name}`)),
      onUpdate: (_o, n) => void events.push(`update ${n.metadata.name} ${n.data?.k ?? ''}`),
      onDelete: (cm) => void events.push(`delete ${(cm as ConfigMap).metadata.name}`),
    });
    const ac = new AbortController();
    const done = informer.run(ac.signal);
    expect(await waitForCacheSync(ac.signal, () => reg.hasSynced())).toBe(true);
    expect(informer.getIndexer().listKeys()).toHaveLength(30);
    await rc
      .post()
      .namespace(ns)
      .resource('configmaps')
      .body({ metadata: { name: 'live' } })
      .do();
    await rc
      .patch(PatchType.Merge)
      .namespace(ns)
      .resource('configmaps')
      .name('live')
      .body({ data: { k: 'v' } })
      .do();
    await rc.delete().namespace(ns).resource('configmaps').name('live').do();
    await until(() => events.length === 3);
    expect(events).toEqual(['add live', 'update live v', 'delete live']);
    expect(informer.lastSyncResourceVersion()).not.toBe('');
    ac.abort();
    await done;
  });

  it('recovers from watch streams cut mid-flight and converges to the server state', async () => {
    const proxy = await startCuttingProxy(controlPlane.port);
    const viaProxy = restClientFor({
      ...config,
      host: proxy.url,
      apiPath: '/api',
      groupVersion: { group: '', version: 'v1' },
    });
    const informer = new SharedIndexInformer<ConfigMap>(
      newListWatchFromClient(viaProxy, 'configmaps', ns, { tweak: (o) => (o.labelSelector = 'cut=test') }),
      { reflector: { backoffManager: { backoff: () => 50 }, watchErrorHandler: () => {} } },
    );
    const ac = new AbortController();
    const done = informer.run(ac.signal);
    await waitForCacheSync(ac.signal, () => informer.hasSynced());
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 5; i++) {
        await rc
          .post()
          .namespace(ns)
          .resource('configmaps')
          .body({ metadata: { name: `cut-${round}-${i}`, labels: { cut: 'test' } } })
          .do();
      }
      await rc.delete().namespace(ns).resource('configmaps').name(`cut-${round}-0`).do();
      proxy.cutAll();
    }
    const server = (
      await rc.get().namespace(ns).resource('configmaps').versionedParams({ labelSelector: 'cut=test' }).do()
    ).into<{
      items: ConfigMap[];
    }>();
    const expected = server.items.map((c) => `${ns}/${c.metadata.name}`).sort();
    expect(expected).toHaveLength(20);
    await until(() => JSON.stringify(informer.getIndexer().listKeys().sort()) === JSON.stringify(expected));
    ac.abort();
    await done;
    await proxy.close();
  });
});
