// SharedInformerFactory over the fake clientset: one shared informer per resource, start/sync/shutdown
// lifecycle, factory options (namespace, list tweaks, resync, transform, indexers), typed listers
// over the shared cache, and the dynamic-client variant (forResources/forResource).
import { describe, expect, it } from 'vitest';
import { isNotFound, StatusError } from '../../../src/apimachinery/errors.js';
import { parseSelector } from '../../../src/apimachinery/labels.js';
import type { KubeObject } from '../../../src/apimachinery/meta.js';
import { newSimpleClientset, newSimpleDynamicClient } from '../../../src/fake/index.js';
import { allSynced, SharedInformerFactory } from '../../../src/informers/index.js';
import { Clientset } from '../../../src/kubernetes/index.js';
import type { Middleware } from '../../../src/rest/http.js';
import { caught } from '../../support/caught.js';

const cm = (namespace: string, name: string, labels?: Record<string, string>): KubeObject & { data: object } => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace, name, labels },
  data: { k: name },
});
const node = (name: string, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels },
});

const seed = [
  cm('a', 'web', { app: 'web' }),
  cm('a', 'db', { app: 'db' }),
  cm('b', 'web2', { app: 'web' }),
  node('n1', { zone: 'x' }),
  node('n2', { zone: 'y' }),
];

const names = (objs: KubeObject[]) => objs.map((o) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`).sort();

async function until(cond: () => boolean, timeoutMs = 2500): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A factory over a fake clientset whose request URLs are also recorded. */
function fakeFactory(options: Parameters<typeof SharedInformerFactory.create>[1] = {}, ...objects: KubeObject[]) {
  const { clientset, api } = newSimpleClientset(...objects);
  const urls: URL[] = [];
  const record: Middleware = async (req, next) => {
    urls.push(new URL(req.url));
    return next(req);
  };
  const base = api.config();
  const cs = Clientset.forConfig({ ...base, middleware: [record, ...(base.middleware ?? [])] });
  return { factory: SharedInformerFactory.create(cs, options), cs, plain: clientset, api, urls };
}

type Factory = ReturnType<typeof fakeFactory>['factory'];

describe('SharedInformerFactory: one shared informer per resource', () => {
  it.each([
    ['coreV1.configMaps (namespaced)', (f: Factory) => f.coreV1.configMaps],
    ['coreV1.nodes (cluster-scoped)', (f: Factory) => f.coreV1.nodes],
    ['coreV1.namespaces (client with subresources)', (f: Factory) => f.coreV1.namespaces],
    ['appsV1.deployments (other group)', (f: Factory) => f.appsV1.deployments],
  ])('%s: asking twice returns the same informer and listers over its cache', (_name, pick) => {
    const { factory } = fakeFactory();
    const first = pick(factory).informer();
    expect(pick(factory).informer()).toBe(first);
    // Listers from separate accessor calls read the one shared cache.
    first.getIndexer().add({ metadata: { name: 'x', namespace: 'a' } });
    const l1 = pick(factory).lister();
    const l2 = pick(factory).lister();
    expect(l1.list()).toEqual(l2.list());
    expect(l1.list()).toHaveLength(1);
  });

  it('gives distinct informers to distinct resources and keys them by group/version/resource', () => {
    const { factory, cs } = fakeFactory();
    const cms = factory.coreV1.configMaps.informer();
    const secrets = factory.coreV1.secrets.informer();
    const deployments = factory.appsV1.deployments.informer();
    expect(new Set([cms, secrets, deployments]).size).toBe(3);
    // access()/informerFor() over the clientset's own clients resolve to the same shared informer.
    expect(factory.informerFor(cs.coreV1.configMaps())).toBe(cms);
    expect(factory.access(cs.coreV1.configMaps('a')).informer()).toBe(cms);
    expect(factory.access(cs.appsV1.deployments()).informer()).toBe(deployments);
  });

  it('exposes only resource accessors on a group version', () => {
    const { factory } = fakeFactory();
    const gv = factory.coreV1 as unknown as Record<string, unknown>;
    expect(gv.restClient).toBeUndefined();
    expect(gv.noSuchResource).toBeUndefined();
    expect((factory as unknown as Record<string, unknown>).noSuchGroupVersion).toBeUndefined();
    expect(factory.clientset).toBeDefined();
  });

  it('rejects forResource on a factory made over a typed Clientset', () => {
    const { factory } = fakeFactory();
    expect(() => factory.forResource({ group: '', version: 'v1', resource: 'configmaps' })).toThrow(/forResources/);
  });
});

describe('allSynced: one boolean from a waitForCacheSync map', () => {
  it.each<[string, Array<[string, boolean]>, boolean]>([
    [
      'every informer synced',
      [
        ['/v1/pods', true],
        ['apps/v1/deployments', true],
      ],
      true,
    ],
    [
      'one did not',
      [
        ['/v1/pods', true],
        ['apps/v1/deployments', false],
      ],
      false,
    ],
    ['none did', [['/v1/pods', false]], false],
    ['nothing was started', [], true],
  ])('%s', (_, entries, want) => {
    expect(allSynced(new Map(entries))).toBe(want);
  });
});

describe('SharedInformerFactory: start, waitForCacheSync and shutdown', () => {
  it('starts only informers not yet started; ones requested later wait for the next start()', async () => {
    const { factory, api } = fakeFactory({}, ...seed);
    const cms = factory.coreV1.configMaps.informer();
    const ac = new AbortController();
    factory.start(ac.signal);
    expect(cms.isStarted()).toBe(true);

    const nodes = factory.coreV1.nodes.informer();
    expect(nodes.isStarted()).toBe(false);
    const synced1 = await factory.waitForCacheSync(ac.signal);
    expect([...synced1]).toEqual([['/v1/configmaps', true]]);
    expect(api.actions().filter((a) => a.resource.resource === 'nodes')).toEqual([]);

    // A second start() starts the newcomer only (a second run() of cms would reject shutdown()).
    factory.start(ac.signal);
    factory.start(ac.signal);
    expect(nodes.isStarted()).toBe(true);
    const synced2 = await factory.waitForCacheSync(ac.signal);
    expect(Object.fromEntries(synced2)).toEqual({ '/v1/configmaps': true, '/v1/nodes': true });
    expect(allSynced(synced2)).toBe(true);
    expect(
      api
        .actions()
        .filter((a) => a.verb === 'list')
        .map((a) => a.resource.resource),
    ).toEqual(['configmaps', 'nodes']);
    ac.abort();
    await factory.shutdown();
    expect(cms.isStarted()).toBe(false);
    expect(nodes.isStarted()).toBe(false);
  });

  it('waitForCacheSync reports an empty map when nothing was started', async () => {
    const { factory } = fakeFactory();
    factory.coreV1.configMaps.informer();
    expect((await factory.waitForCacheSync(new AbortController().signal)).size).toBe(0);
  });

  it('waitForCacheSync reports false for a type that cannot sync before the signal aborts', async () => {
    const { factory, api } = fakeFactory({}, ...seed);
    api.prependReactor('list', 'secrets', () => ({
      handled: true,
      error: new StatusError({ code: 403, reason: 'Forbidden', message: 'secrets are forbidden' }),
    }));
    const listErrors: unknown[] = [];
    factory.coreV1.secrets.informer().setWatchErrorHandler((e) => void listErrors.push(e));
    factory.coreV1.configMaps.informer();
    const run = new AbortController();
    factory.start(run.signal);
    const wait = new AbortController();
    const pending = factory.waitForCacheSync(wait.signal);
    await until(() => listErrors.length > 0 && factory.coreV1.configMaps.informer().hasSynced());
    wait.abort();
    const result = await pending;
    expect(Object.fromEntries(result)).toEqual({ '/v1/secrets': false, '/v1/configmaps': true });
    expect(allSynced(result)).toBe(false);
    run.abort();
    await factory.shutdown();
  });

  it('shutdown waits until the started informers stopped, and nothing starts after it', async () => {
    const { factory, api } = fakeFactory({}, ...seed);
    const cms = factory.coreV1.configMaps.informer();
    const ac = new AbortController();
    factory.start(ac.signal);
    await factory.waitForCacheSync(ac.signal);
    let done = false;
    const shut = factory.shutdown().then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    expect(cms.isStarted()).toBe(true);
    ac.abort();
    await shut;
    expect(done).toBe(true);
    expect(cms.isStarted()).toBe(false);

    // client-go: once shut down, Start does nothing.
    api.clearActions();
    const nodes = factory.coreV1.nodes.informer();
    const again = new AbortController();
    factory.start(again.signal);
    expect(nodes.isStarted()).toBe(false);
    expect(api.actions()).toEqual([]);
    expect((await factory.waitForCacheSync(AbortSignal.abort())).has('/v1/nodes')).toBe(false);
    again.abort();
  });

  it('shutdown resolves at once when nothing was started', async () => {
    const { factory } = fakeFactory();
    factory.coreV1.configMaps.informer();
    await expect(factory.shutdown()).resolves.toBeUndefined();
  });
});

describe('SharedInformerFactory: listers over the shared cache', () => {
  it('lists by selector and namespace, gets by name, and follows watch events', async () => {
    const { factory, plain } = fakeFactory({}, ...seed);
    const cms = factory.coreV1.configMaps;
    const nodes = factory.coreV1.nodes;
    cms.informer();
    nodes.informer();
    const ac = new AbortController();
    factory.start(ac.signal);
    expect([...(await factory.waitForCacheSync(ac.signal)).values()]).toEqual([true, true]);

    const lister = cms.lister();
    expect(names(lister.list())).toEqual(['a/db', 'a/web', 'b/web2']);
    expect(names(lister.list('app=web'))).toEqual(['a/web', 'b/web2']);
    expect(names(lister.list(parseSelector('app!=web')))).toEqual(['a/db']);
    expect(names(lister.namespace('a').list())).toEqual(['a/db', 'a/web']);
    expect(names(lister.namespace('a').list('app=web'))).toEqual(['a/web']);
    expect(names(lister.namespace('').list('app=web'))).toEqual(['a/web', 'b/web2']);
    expect(lister.namespace('elsewhere').list()).toEqual([]);
    expect(lister.namespace('b').get('web2').data?.k).toBe('web2');
    const missing = caught(() => lister.namespace('b').get('web'));
    expect(isNotFound(missing)).toBe(true);
    expect((missing as Error).message).toBe('configmaps "web" not found');

    const nodeLister = nodes.lister();
    expect(nodeLister.get('n1').metadata?.labels).toEqual({ zone: 'x' });
    expect(names(nodeLister.list('zone=y'))).toEqual(['/n2']);
    expect(isNotFound(caught(() => nodeLister.get('n9')))).toBe(true);

    // A lister taken before a change sees it once the watch delivered it.
    await plain.coreV1.configMaps('b').create({ metadata: { name: 'late', labels: { app: 'web' } } });
    await plain.coreV1.configMaps('a').delete('db');
    await until(() => lister.list().length === 3 && lister.list('app=web').length === 3);
    expect(names(lister.list())).toEqual(['a/web', 'b/late', 'b/web2']);
    ac.abort();
    await factory.shutdown();
  });
});

describe('SharedInformerFactory: options', () => {
  it.each([
    { namespace: undefined, expected: ['a/db', 'a/web', 'b/web2'], requestNs: '' },
    { namespace: '', expected: ['a/db', 'a/web', 'b/web2'], requestNs: '' },
    { namespace: 'a', expected: ['a/db', 'a/web'], requestNs: 'a' },
    { namespace: 'b', expected: ['b/web2'], requestNs: 'b' },
  ])(
    'namespace $namespace restricts list and watch of namespaced resources',
    async ({ namespace, expected, requestNs }) => {
      const { factory, api, plain } = fakeFactory({ namespace }, ...seed);
      const cms = factory.coreV1.configMaps;
      cms.informer();
      factory.coreV1.nodes.informer();
      const ac = new AbortController();
      factory.start(ac.signal);
      await factory.waitForCacheSync(ac.signal);
      expect(names(cms.lister().list())).toEqual(expected);
      // Cluster-scoped resources are not affected by the namespace.
      expect(names(factory.coreV1.nodes.lister().list())).toEqual(['/n1', '/n2']);
      await until(() => api.actions().filter((a) => a.verb === 'watch').length === 2);
      const requests = api.actions().map((a) => `${a.verb} ${a.resource.resource} ${a.namespace}`);
      expect(requests.sort()).toEqual(
        [`list configmaps ${requestNs}`, `watch configmaps ${requestNs}`, 'list nodes ', 'watch nodes '].sort(),
      );
      // Changes outside the namespace never reach the cache (one watch stream: 'other-ns' comes first
      // when it is watched at all).
      await plain.coreV1.configMaps('c').create({ metadata: { name: 'other-ns' } });
      await plain.coreV1.configMaps(requestNs || 'a').create({ metadata: { name: 'in-ns' } });
      await until(() =>
        cms
          .lister()
          .list()
          .some((o) => o.metadata?.name === 'in-ns'),
      );
      expect(
        cms
          .lister()
          .list()
          .some((o) => o.metadata?.name === 'other-ns'),
      ).toBe(!namespace);
      ac.abort();
      await factory.shutdown();
    },
  );

  it('tweakListOptions applies label and field selectors to both list and watch', async () => {
    let tweaked = 0;
    const { factory, urls, plain } = fakeFactory(
      {
        tweakListOptions: (o) => {
          tweaked++;
          o.labelSelector = 'app=web';
          o.fieldSelector = 'metadata.name!=skip';
        },
      },
      ...seed,
    );
    const cms = factory.coreV1.configMaps;
    cms.informer();
    const ac = new AbortController();
    factory.start(ac.signal);
    await factory.waitForCacheSync(ac.signal);
    await until(() => urls.some((u) => u.searchParams.get('watch') === 'true'));
    for (const u of urls.filter((x) => x.pathname.endsWith('/configmaps'))) {
      expect(u.searchParams.get('labelSelector')).toBe('app=web');
      expect(u.searchParams.get('fieldSelector')).toBe('metadata.name!=skip');
    }
    expect(urls.map((u) => u.searchParams.get('watch') === 'true')).toEqual([false, true]);
    expect(tweaked).toBe(2);
    // The fake filters by label: only matching objects are cached, now and later.
    expect(names(cms.lister().list())).toEqual(['a/web', 'b/web2']);
    await plain.coreV1.configMaps('a').create({ metadata: { name: 'nope', labels: { app: 'db' } } });
    await plain.coreV1.configMaps('a').create({ metadata: { name: 'yes', labels: { app: 'web' } } });
    await until(() => cms.lister().list().length === 3);
    expect(names(cms.lister().list())).toEqual(['a/web', 'a/yes', 'b/web2']);
    ac.abort();
    await factory.shutdown();
  });

  it('defaultResyncMs resyncs handlers with unchanged objects; 0 (the default) never does', async () => {
    const run = async (defaultResyncMs: number | undefined) => {
      const { factory } = fakeFactory(defaultResyncMs === undefined ? {} : { defaultResyncMs }, cm('a', 'web'));
      const resyncs: Array<[KubeObject, KubeObject]> = [];
      factory.coreV1.configMaps.informer().addEventHandler({ onUpdate: (o, n) => void resyncs.push([o, n]) });
      const ac = new AbortController();
      factory.start(ac.signal);
      await factory.waitForCacheSync(ac.signal);
      return {
        resyncs,
        stop: async () => {
          ac.abort();
          await factory.shutdown();
        },
      };
    };
    const [withResync, without] = await Promise.all([run(1000), run(undefined)]);
    await until(() => withResync.resyncs.length > 0, 2800);
    const [oldObj, newObj] = withResync.resyncs[0]!;
    expect(newObj.metadata?.resourceVersion).toBe(oldObj.metadata?.resourceVersion);
    expect(newObj.metadata?.name).toBe('web');
    expect(without.resyncs).toEqual([]);
    await Promise.all([withResync.stop(), without.stop()]);
  });

  it('transform is applied before caching and indexers add indexes to every informer', async () => {
    const { factory } = fakeFactory(
      {
        transform: (o) => ({ ...o, metadata: { ...o.metadata, annotations: { transformed: 'yes' } } }),
        indexers: { byApp: (o) => [(o as KubeObject).metadata?.labels?.app ?? ''] },
      },
      ...seed,
    );
    const cms = factory.coreV1.configMaps.informer();
    const nodes = factory.coreV1.nodes.informer();
    const ac = new AbortController();
    factory.start(ac.signal);
    await factory.waitForCacheSync(ac.signal);
    expect(factory.coreV1.configMaps.lister().namespace('a').get('web').metadata?.annotations).toEqual({
      transformed: 'yes',
    });
    expect(names(cms.getIndexer().byIndex('byApp', 'web'))).toEqual(['a/web', 'b/web2']);
    expect(names(nodes.getIndexer().byIndex('byApp', ''))).toEqual(['/n1', '/n2']);
    ac.abort();
    await factory.shutdown();
  });
});

describe('SharedInformerFactory.forResources (dynamic client)', () => {
  const gvr = { group: 'samplecontroller.k8s.io', version: 'v1alpha1', resource: 'foos' };
  const foo = (namespace: string, name: string): KubeObject => ({
    apiVersion: 'samplecontroller.k8s.io/v1alpha1',
    kind: 'Foo',
    metadata: { namespace, name, labels: { tier: namespace } },
  });

  it.each([
    { namespace: undefined, expected: ['x/f1', 'x/f2', 'y/f3'] },
    { namespace: 'x', expected: ['x/f1', 'x/f2'] },
  ])('shares one informer per GVR and lists it (namespace $namespace)', async ({ namespace, expected }) => {
    const { client, api } = newSimpleDynamicClient(
      [foo('x', 'f1'), foo('x', 'f2'), foo('y', 'f3')].map((object) => ({ gvr, object })),
    );
    const factory = SharedInformerFactory.forResources(client, { namespace });
    const foos = factory.forResource(gvr);
    expect(factory.forResource({ ...gvr }).informer()).toBe(foos.informer());
    expect(factory.forResource({ ...gvr, resource: 'bars' }).informer()).not.toBe(foos.informer());
    const ac = new AbortController();
    factory.start(ac.signal);
    const synced = await factory.waitForCacheSync(ac.signal);
    expect(synced.get('samplecontroller.k8s.io/v1alpha1/foos')).toBe(true);
    expect(names(foos.lister().list())).toEqual(expected);
    expect(names(foos.lister().list('tier=x'))).toEqual(['x/f1', 'x/f2']);
    expect(foos.lister().namespace('x').get('f2').metadata?.name).toBe('f2');
    expect(
      api
        .actions()
        .filter((a) => a.verb === 'list' && a.resource.resource === 'foos')
        .map((a) => a.namespace),
    ).toEqual([namespace ?? '']);
    ac.abort();
    await factory.shutdown();
  });
});
