// Large-list paths against the real kube-apiserver v1.20.2: the Reflector's watch-list option falls
// back to LIST + WATCH because this server refuses the watch-list request (422 Invalid: v1.20 forbids
// resourceVersionMatch on a watch), and the streamed List decoding and overlapped pages (limit 500
// from etcd) give the same objects as the server's own paging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInvalid, StatusError } from '../../src/apimachinery/errors.js';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { type Config, restClientFor, type RESTClient } from '../../src/rest/index.js';
import { newListWatchFromClient, SharedIndexInformer, watchListSync } from '../../src/tools/cache/index.js';
import { ListPager } from '../../src/tools/pager/index.js';
import { parallelizeUntil } from '../../src/util/workqueue/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';
import { until } from '../support/until.js';

interface ConfigMap {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  data?: Record<string, string>;
}

describe('large lists against kube-apiserver v1.20', () => {
  let ns: string;
  let config: Config;
  let rc: RESTClient;
  const COUNT = 1203;
  beforeAll(async () => {
    ns = await createTestNamespace('watchlist');
    config = { ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 };
    rc = restClientFor({ ...config, apiPath: '/api', groupVersion: { group: '', version: 'v1' } });
    await parallelizeUntil(undefined, 16, COUNT, async (i) => {
      await rc
        .post()
        .namespace(ns)
        .resource('configmaps')
        .body({ metadata: { name: `cm-${i}` }, data: { v: `{"}\\é${i}` } })
        .do();
    });
  }, 180_000);
  afterAll(async () => {
    await rc
      .delete()
      .resource('namespaces')
      .name(ns)
      .do()
      .catch(() => {});
  });

  it('the server refuses a watch-list request: 422 Invalid, as client-go detects it', async () => {
    const lw = newListWatchFromClient<ConfigMap>(rc, 'configmaps', ns);
    const err = await watchListSync(lw, '', 60, new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect(isInvalid(err)).toBe(true);
    expect((err as StatusError).message).toMatch(/resourceVersionMatch/);
  });

  it('an informer with useWatchList falls back to LIST + WATCH and syncs, then follows changes', async () => {
    const errors: unknown[] = [];
    const inf = new SharedIndexInformer<ConfigMap>(newListWatchFromClient(rc, 'configmaps', ns), {
      reflector: { useWatchList: true, watchErrorHandler: (e) => errors.push(e) },
    });
    const ac = new AbortController();
    const running = inf.run(ac.signal);
    try {
      await until(() => inf.hasSynced());
      expect(inf.getIndexer().listKeys()).toHaveLength(COUNT);
      expect(errors).toHaveLength(1);
      expect(String((errors[0] as Error).message)).toMatch(/falling back to LIST \+ WATCH/);
      await rc
        .post()
        .namespace(ns)
        .resource('configmaps')
        .body({ metadata: { name: 'later' } })
        .do();
      await until(() => inf.getIndexer().listKeys().includes(`${ns}/later`));
    } finally {
      ac.abort();
      await running;
      await rc
        .delete()
        .namespace(ns)
        .resource('configmaps')
        .name('later')
        .do()
        .catch(() => {});
    }
  }, 120_000);

  it('paged lists (limit 500 from etcd), overlapped or not, equal one streamed list and one buffered list', async () => {
    const lw = newListWatchFromClient<ConfigMap>(rc, 'configmaps', ns);
    const names = (items: ConfigMap[]) => items.map((o) => o.metadata.name).sort();
    const serial = new ListPager<ConfigMap>((o, s, m) => lw.list(o, s, m));
    const overlapped = new ListPager<ConfigMap>((o, s, m) => lw.list(o, s, m));
    overlapped.overlapPages = true;
    const a = await serial.list({});
    const b = await overlapped.list({});
    expect(a.paginated).toBe(true);
    expect(b.paginated).toBe(true);
    const whole = (await rc.get().namespace(ns).resource('configmaps').do()).into<{
      items: ConfigMap[];
      metadata?: object;
    }>();
    const streamed = await rc
      .get()
      .namespace(ns)
      .resource('configmaps')
      .doList<{ items: ConfigMap[]; metadata?: object }>();
    // The List's own resourceVersion is etcd's current revision: the node's controllers move it
    // between the two requests, so it is the one field that may differ.
    const withoutListVersion = (l: { items: ConfigMap[]; metadata?: object }) => ({
      ...l,
      metadata: { ...l.metadata, resourceVersion: '' },
    });
    expect(withoutListVersion(streamed)).toEqual(withoutListVersion(whole));
    expect(names(a.list.items)).toEqual(names(whole.items));
    expect(b.list.items).toEqual(a.list.items);
  }, 120_000);
});
