// Informer resilience against a control plane of its own (watch cache off, so that watches read
// etcd and compaction yields 410 Gone): 1,000-object sync, resync, label-filtered informers, relist
// after compaction, recovery from a kube-apiserver restart and from cut streams. After each fault
// the cache equals a fresh list from the server, object for object.
//
// Each test starts from a known state (the server answers through the proxy) and leaves it whatever
// happens: the proxy up with no connection left, every informer the test ran stopped, kube-apiserver
// restarts awaited and the server answering. Compaction goes through etcd's v3 JSON gateway.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ControlPlane, startControlPlane } from '../../src/envtest/index.js';
import { Clientset } from '../../src/kubernetes/index.js';
import {
  DeletedFinalStateUnknown,
  listWatchFromResource,
  SharedIndexInformer,
  waitForCacheSync,
} from '../../src/tools/cache/index.js';
import { parallelizeUntil } from '../../src/util/workqueue/index.js';
import { type CuttingProxy, startCuttingProxy } from '../support/cutting-proxy.js';
import { compactEtcdNow } from '../support/etcd-gateway.js';
import { ensureApiserver, waitForAnswer } from '../support/known-state.js';

const until = async (cond: () => boolean | Promise<boolean>, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('informer faults (own control plane, watch cache off)', () => {
  let cp: ControlPlane;
  let proxy: CuttingProxy;
  let direct: Clientset;
  let viaProxy: Clientset;
  const ns = 'faults';

  beforeAll(async () => {
    cp = await startControlPlane({ watchCache: false, log: () => {} });
    proxy = await startCuttingProxy(cp.server.port);
    direct = Clientset.forConfig({ ...cp.config, qps: -1 });
    viaProxy = Clientset.forConfig({ ...cp.config, host: proxy.url, qps: -1 });
    await direct.coreV1.namespaces.create({ metadata: { name: ns } });
    await parallelizeUntil(undefined, 32, 1000, async (i) => {
      await direct.coreV1
        .configMaps(ns)
        .create({ metadata: { name: `cm-${i}`, labels: { half: String(i % 2) } }, data: { i: String(i) } });
    });
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    await cp?.stop();
  });

  // What a test started and must not outlive it: informer runs and kube-apiserver restarts.
  const runs: Array<{ ac: AbortController; done: Promise<void> }> = [];
  const restarts = new Set<Promise<void>>();
  const run = (informer: { run(signal: AbortSignal): Promise<void> }) => {
    const ac = new AbortController();
    const entry = { ac, done: informer.run(ac.signal) };
    runs.push(entry);
    return entry;
  };
  const restartApiserver = (options: { downMs?: number; kill?: boolean }) => {
    const p = cp.restartApiserver(options);
    restarts.add(p);
    void p.then(
      () => restarts.delete(p),
      () => restarts.delete(p),
    );
    return p;
  };
  const bounded = (p: Promise<unknown>, ms: number) =>
    Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, ms))]);

  beforeEach(async () => {
    await waitForAnswer(
      'kube-apiserver through the cutting proxy',
      { url: `${proxy.url}/api/v1/namespaces/${ns}`, token: cp.server.adminToken, caData: cp.server.caData },
      30_000,
    );
  }, 60_000);

  afterEach(async () => {
    proxy.reset();
    const mine = runs.splice(0);
    for (const r of mine) r.ac.abort();
    await bounded(Promise.allSettled(mine.map((r) => r.done)), 10_000);
    await bounded(Promise.allSettled([...restarts]), 150_000);
    await ensureApiserver(cp);
  }, 300_000);

  const serverState = async (labelSelector?: string) => {
    const list = await direct.coreV1.configMaps(ns).list({ labelSelector });
    return new Map(list.items.map((c) => [`${ns}/${c.metadata?.name}`, c.metadata?.resourceVersion]));
  };
  type Cached = {
    getIndexer(): { list(): Array<{ metadata?: { name?: string; namespace?: string; resourceVersion?: string } }> };
  };
  const cacheState = (inf: Cached) =>
    new Map(
      inf
        .getIndexer()
        .list()
        .map((c) => [`${c.metadata?.namespace}/${c.metadata?.name}`, c.metadata?.resourceVersion]),
    );
  const converged = async (inf: Cached, labelSelector?: string) => {
    await until(async () => {
      const [server, cache] = [await serverState(labelSelector), cacheState(inf)];
      return server.size === cache.size && [...server].every(([k, rv]) => cache.get(k) === rv);
    });
  };

  it('syncs 1,000 objects, resyncs per handler and filters by label', async () => {
    const all = new SharedIndexInformer(listWatchFromResource(direct.coreV1.configMaps(ns)));
    const half = new SharedIndexInformer(
      listWatchFromResource(direct.coreV1.configMaps(ns), (o) => (o.labelSelector = 'half=1')),
    );
    let resyncs = 0;
    all.addEventHandler({ onUpdate: (o, n) => void (o === n && resyncs++) }, 1000);
    const [a, h] = [run(all), run(half)];
    expect(
      await waitForCacheSync(
        a.ac.signal,
        () => all.hasSynced(),
        () => half.hasSynced(),
      ),
    ).toBe(true);
    expect(all.getIndexer().listKeys()).toHaveLength(1000);
    expect(half.getIndexer().listKeys()).toHaveLength(500);
    await until(() => resyncs >= 1000, 10_000);
    a.ac.abort();
    h.ac.abort();
    await Promise.all([a.done, h.done]);
  }, 60_000);

  it('relists after an etcd compaction makes its resourceVersion gone (410), delivering missed deletes', async () => {
    const informer = new SharedIndexInformer(listWatchFromResource(viaProxy.coreV1.configMaps(ns)), {
      reflector: { backoffManager: { backoff: () => 100 }, watchErrorHandler: () => {} },
    });
    const tombstones: string[] = [];
    informer.addEventHandler({
      onDelete: (o) => void (o instanceof DeletedFinalStateUnknown && tombstones.push(o.key)),
    });
    const { ac, done } = run(informer);
    await waitForCacheSync(ac.signal, () => informer.hasSynced());
    try {
      proxy.setDown(true);
      proxy.cutAll();
      for (let i = 0; i < 5; i++) await direct.coreV1.configMaps(ns).delete(`cm-${i}`);
      await direct.coreV1.configMaps(ns).create({ metadata: { name: 'during-outage' } });
      await compactEtcdNow(cp.server.etcdUrl);
    } finally {
      proxy.setDown(false);
    }
    await converged(informer);
    expect(tombstones.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `${ns}/cm-${i}`).sort());
    ac.abort();
    await done;
  }, 60_000);

  it('recovers when kube-apiserver is killed and restarted, and when streams are cut mid-flight', async () => {
    const informer = new SharedIndexInformer(listWatchFromResource(viaProxy.coreV1.configMaps(ns)), {
      reflector: { backoffManager: { backoff: () => 200 }, watchErrorHandler: () => {} },
    });
    const { ac, done } = run(informer);
    await waitForCacheSync(ac.signal, () => informer.hasSynced());
    await restartApiserver({ downMs: 1000 });
    for (let i = 10; i < 20; i++)
      await direct.coreV1
        .configMaps(ns)
        .patch(`cm-${i}`, 'application/merge-patch+json', { data: { after: 'restart' } });
    await converged(informer);
    for (let round = 0; round < 5; round++) {
      await direct.coreV1.configMaps(ns).delete(`cm-${30 + round}`);
      await direct.coreV1.configMaps(ns).create({ metadata: { name: `cut-${round}` } });
      proxy.cutAll();
    }
    await converged(informer);
    ac.abort();
    await done;
  }, 120_000);
});
