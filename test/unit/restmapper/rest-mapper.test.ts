// DeferredDiscoveryRESTMapper over a MemCacheDiscovery fed by an in-memory discovery client:
// kind -> resource with scope, version priority, partial resources (plural, singular, short name),
// subresources left out, typed no-match errors, and lazy discovery with one re-discovery on a miss.
import { describe, expect, it } from 'vitest';
import type { GroupVersionResource } from '../../../src/apimachinery/schema.js';
import {
  type APIGroup,
  type APIResource,
  type APIResourceList,
  DiscoveryClient,
  GroupDiscoveryFailedError,
  MemCacheDiscovery,
} from '../../../src/discovery/discovery-client.js';
import { DeferredDiscoveryRESTMapper, NoKindMatchError, NoResourceMatchError } from '../../../src/restmapper/index.js';

/** A discovery client answering from memory; counts the discovery rounds it serves. */
class FakeDiscovery extends DiscoveryClient {
  groups: APIGroup[];
  lists: APIResourceList[];
  rounds = 0;
  failNext: Error | undefined;

  constructor(groups: APIGroup[], lists: APIResourceList[]) {
    super(undefined as never); // no REST client: only serverGroupsAndResources is ever called
    this.groups = groups;
    this.lists = lists;
  }

  override async serverGroupsAndResources(): Promise<{ groups: APIGroup[]; resources: APIResourceList[] }> {
    this.rounds++;
    const err = this.failNext;
    this.failNext = undefined;
    if (err) throw err;
    return { groups: structuredClone(this.groups), resources: structuredClone(this.lists) };
  }
}

const group = (name: string, versions: string[], preferred = versions[0]!): APIGroup => {
  const gv = (v: string) => ({ groupVersion: name ? `${name}/${v}` : v, version: v });
  return { name, versions: versions.map(gv), preferredVersion: gv(preferred) };
};

const res = (name: string, kind: string, extra: Partial<APIResource> = {}): APIResource => ({
  name,
  kind,
  namespaced: true,
  verbs: ['get', 'list', 'watch'],
  ...extra,
});

function newFake(): FakeDiscovery {
  return new FakeDiscovery(
    [
      group('', ['v1']),
      group('apps', ['v1']),
      group('events.k8s.io', ['v1', 'v1beta1']),
      group('autoscaling', ['v1', 'v2beta1', 'v2beta2']),
      group('batch', ['v1', 'v1beta1']),
      group('rbac.authorization.k8s.io', ['v1']),
      group('storage.k8s.io', ['v1']),
      // Preferred version listed last: the preferred one must still win.
      group('example.com', ['v1alpha1', 'v1'], 'v1'),
    ],
    [
      {
        groupVersion: 'v1',
        resources: [
          res('pods', 'Pod', { singularName: 'pod', shortNames: ['po'] }),
          res('pods/status', 'Pod'),
          res('pods/log', 'Pod'),
          res('namespaces', 'Namespace', { singularName: 'namespace', shortNames: ['ns'], namespaced: false }),
          res('events', 'Event', { singularName: 'event', shortNames: ['ev'] }),
          res('nodes', 'Node', { singularName: 'node', shortNames: ['no'], namespaced: false }),
        ],
      },
      {
        groupVersion: 'apps/v1',
        resources: [
          res('deployments', 'Deployment', { singularName: 'deployment', shortNames: ['deploy'] }),
          res('deployments/scale', 'Scale', { group: 'autoscaling', version: 'v1' }),
          res('replicasets', 'ReplicaSet', { singularName: 'replicaset', shortNames: ['rs'] }),
        ],
      },
      {
        groupVersion: 'events.k8s.io/v1',
        resources: [res('events', 'Event', { singularName: 'event', shortNames: ['ev'] })],
      },
      { groupVersion: 'events.k8s.io/v1beta1', resources: [res('events', 'Event', { singularName: 'event' })] },
      {
        groupVersion: 'autoscaling/v1',
        resources: [
          res('horizontalpodautoscalers', 'HorizontalPodAutoscaler', { singularName: '', shortNames: ['hpa'] }),
        ],
      },
      {
        groupVersion: 'autoscaling/v2beta1',
        resources: [res('horizontalpodautoscalers', 'HorizontalPodAutoscaler', { shortNames: ['hpa'] })],
      },
      {
        groupVersion: 'autoscaling/v2beta2',
        resources: [res('horizontalpodautoscalers', 'HorizontalPodAutoscaler', { shortNames: ['hpa'] })],
      },
      { groupVersion: 'batch/v1', resources: [res('jobs', 'Job', { singularName: 'job' })] },
      // cronjobs only in the non-preferred version (as batch in Kubernetes 1.20)
      {
        groupVersion: 'batch/v1beta1',
        resources: [res('cronjobs', 'CronJob', { singularName: 'cronjob', shortNames: ['cj'] })],
      },
      {
        groupVersion: 'rbac.authorization.k8s.io/v1',
        resources: [res('clusterroles', 'ClusterRole', { singularName: 'clusterrole', namespaced: false })],
      },
      {
        groupVersion: 'storage.k8s.io/v1',
        resources: [
          res('storageclasses', 'StorageClass', {
            singularName: 'storageclass',
            shortNames: ['sc'],
            namespaced: false,
          }),
        ],
      },
      {
        groupVersion: 'example.com/v1',
        resources: [res('widgets', 'Widget', { singularName: 'widget', shortNames: ['wd'] })],
      },
      {
        groupVersion: 'example.com/v1alpha1',
        // gizmos lists no singular name: it is guessed from the kind
        resources: [res('widgets', 'Widget', { singularName: 'widget' }), res('gizmos', 'Gizmo')],
      },
    ],
  );
}

function setup() {
  const fake = newFake();
  const cached = new MemCacheDiscovery(fake);
  return { fake, cached, mapper: new DeferredDiscoveryRESTMapper(cached) };
}

const gvr = (group: string, version: string, resource: string): GroupVersionResource => ({ group, version, resource });

describe('restMapping', () => {
  it.each<[string, string, string, string, string, 'namespace' | 'root']>([
    ['', 'Pod', 'v1', '', 'pods', 'namespace'],
    ['', 'Namespace', 'v1', '', 'namespaces', 'root'],
    ['apps', 'Deployment', 'v1', 'apps', 'deployments', 'namespace'],
    ['rbac.authorization.k8s.io', 'ClusterRole', 'v1', 'rbac.authorization.k8s.io', 'clusterroles', 'root'],
    ['storage.k8s.io', 'StorageClass', 'v1', 'storage.k8s.io', 'storageclasses', 'root'],
    // served by several versions: the group's preferred one
    ['autoscaling', 'HorizontalPodAutoscaler', 'v1', 'autoscaling', 'horizontalpodautoscalers', 'namespace'],
    ['example.com', 'Widget', 'v1', 'example.com', 'widgets', 'namespace'],
    // served only by a non-preferred version
    ['batch', 'CronJob', 'v1beta1', 'batch', 'cronjobs', 'namespace'],
    ['example.com', 'Gizmo', 'v1alpha1', 'example.com', 'gizmos', 'namespace'],
  ])('%s %s -> %s %s/%s (%s)', async (g, kind, version, rg, resource, scope) => {
    const { mapper } = setup();
    expect(await mapper.restMapping({ group: g, kind })).toEqual({
      resource: gvr(rg, version, resource),
      groupVersionKind: { group: g, version, kind },
      scope,
    });
  });

  it.each<[string, string[], string]>([
    ['a served non-preferred version', ['v2beta2'], 'v2beta2'],
    ['the first served version of the caller', ['v2beta1', 'v2beta2'], 'v2beta1'],
    ['the caller order, not the discovery order', ['v2beta2', 'v1'], 'v2beta2'],
    ['an unserved version skipped', ['v3', 'v2beta2'], 'v2beta2'],
    ['empty versions ignored (the preferred version)', [''], 'v1'],
  ])('versions pick %s', async (_, versions, want) => {
    const { mapper } = setup();
    const m = await mapper.restMapping({ group: 'autoscaling', kind: 'HorizontalPodAutoscaler' }, ...versions);
    expect(m.resource).toEqual(gvr('autoscaling', want, 'horizontalpodautoscalers'));
    expect(m.groupVersionKind.version).toBe(want);
  });

  it.each<[string, string, string, string[]]>([
    ['an unknown kind', 'autoscaling', 'Nope', []],
    ['a kind under another group', 'extensions', 'Deployment', []],
    [
      'a kind only in versions not asked for (no fallback to the preferred one)',
      'autoscaling',
      'HorizontalPodAutoscaler',
      ['v3'],
    ],
    ['the kind of a subresource', 'apps', 'Scale', []],
    ['a kind in the wrong case', 'apps', 'deployment', []],
  ])('rejects %s with NoKindMatchError', async (_, g, kind, versions) => {
    const { mapper } = setup();
    const err = await mapper.restMapping({ group: g, kind }, ...versions).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoKindMatchError);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('NoKindMatchError');
    expect((err as Error).message).toContain(`no matches for kind "${kind}"`);
  });

  it('says which group it searched', async () => {
    const { mapper } = setup();
    await expect(mapper.restMapping({ group: 'nope.example.com', kind: 'Nope' })).rejects.toThrow(
      'no matches for kind "Nope" in group "nope.example.com"',
    );
  });

  it('matches the kind exactly across groups (core Event vs events.k8s.io Event)', async () => {
    const { mapper } = setup();
    expect((await mapper.restMapping({ group: '', kind: 'Event' })).resource).toEqual(gvr('', 'v1', 'events'));
    expect((await mapper.restMapping({ group: 'events.k8s.io', kind: 'Event' })).resource).toEqual(
      gvr('events.k8s.io', 'v1', 'events'),
    );
  });
});

describe('resourceFor and kindFor', () => {
  it.each<[string, GroupVersionResource, GroupVersionResource]>([
    ['plural', gvr('', '', 'deployments'), gvr('apps', 'v1', 'deployments')],
    ['singular', gvr('', '', 'deployment'), gvr('apps', 'v1', 'deployments')],
    ['short name', gvr('', '', 'deploy'), gvr('apps', 'v1', 'deployments')],
    ['upper case', gvr('', '', 'Deployments'), gvr('apps', 'v1', 'deployments')],
    ['core short name', gvr('', '', 'po'), gvr('', 'v1', 'pods')],
    ['cluster-scoped', gvr('', '', 'ns'), gvr('', 'v1', 'namespaces')],
    ['group given', gvr('apps', '', 'rs'), gvr('apps', 'v1', 'replicasets')],
    ['version given', gvr('', 'v1', 'clusterroles'), gvr('rbac.authorization.k8s.io', 'v1', 'clusterroles')],
    ['group and version given', gvr('batch', 'v1', 'job'), gvr('batch', 'v1', 'jobs')],
    ['several versions: the preferred one', gvr('', '', 'hpa'), gvr('autoscaling', 'v1', 'horizontalpodautoscalers')],
    ['preferred version listed last', gvr('example.com', '', 'widgets'), gvr('example.com', 'v1', 'widgets')],
    [
      'a served non-preferred version',
      gvr('autoscaling', 'v2beta2', 'hpa'),
      gvr('autoscaling', 'v2beta2', 'horizontalpodautoscalers'),
    ],
    ['only in a non-preferred version', gvr('', '', 'cj'), gvr('batch', 'v1beta1', 'cronjobs')],
    [
      'singular guessed from the kind when discovery lists none',
      gvr('', '', 'gizmo'),
      gvr('example.com', 'v1alpha1', 'gizmos'),
    ],
    [
      'empty singular name guessed too',
      gvr('', '', 'horizontalpodautoscaler'),
      gvr('autoscaling', 'v1', 'horizontalpodautoscalers'),
    ],
    [
      'a group prefix (storageclass.storage)',
      gvr('storage', '', 'storageclass'),
      gvr('storage.k8s.io', 'v1', 'storageclasses'),
    ],
    // in several groups: core v1 first, then the groups in discovery order (client-go's priority)
    ['core wins a name several groups serve', gvr('', '', 'events'), gvr('', 'v1', 'events')],
    ['the group narrows it', gvr('events.k8s.io', '', 'ev'), gvr('events.k8s.io', 'v1', 'events')],
    ['the version narrows it', gvr('events.k8s.io', 'v1beta1', 'events'), gvr('events.k8s.io', 'v1beta1', 'events')],
  ])('resourceFor: %s', async (_, partial, want) => {
    const { mapper } = setup();
    expect(await mapper.resourceFor(partial)).toEqual(want);
  });

  it.each<[GroupVersionResource, string, string, string]>([
    [gvr('', '', 'pods'), '', 'v1', 'Pod'],
    [gvr('', '', 'pod'), '', 'v1', 'Pod'],
    [gvr('', '', 'deploy'), 'apps', 'v1', 'Deployment'],
    [gvr('', 'v1', 'namespaces'), '', 'v1', 'Namespace'],
    [gvr('autoscaling', 'v2beta1', 'horizontalpodautoscalers'), 'autoscaling', 'v2beta1', 'HorizontalPodAutoscaler'],
    [gvr('batch', '', 'cronjobs'), 'batch', 'v1beta1', 'CronJob'],
  ])('kindFor(%j) = %s/%s %s', async (partial, group, version, kind) => {
    const { mapper } = setup();
    expect(await mapper.kindFor(partial)).toEqual({ group, version, kind });
  });

  it.each<[string, GroupVersionResource]>([
    ['an unknown resource', gvr('', '', 'nope')],
    ['a subresource', gvr('', '', 'pods/status')],
    ['a subresource with its group', gvr('apps', 'v1', 'deployments/scale')],
    ['the last segment of a subresource', gvr('', '', 'scale')],
    ['a known name in another group', gvr('apps', '', 'pods')],
    ['a known name in an unserved version', gvr('apps', 'v1beta2', 'deployments')],
  ])('rejects %s with NoResourceMatchError', async (_, partial) => {
    const { mapper } = setup();
    for (const call of [mapper.resourceFor(partial), mapper.kindFor(partial)]) {
      const err = await call.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NoResourceMatchError);
      expect((err as Error).name).toBe('NoResourceMatchError');
      expect((err as Error).message).toBe(`the server doesn't have a resource type "${partial.resource}"`);
    }
  });
});

describe('deferred discovery', () => {
  it('discovers nothing until the first lookup, then answers from the cache', async () => {
    const { fake, cached, mapper } = setup();
    expect(fake.rounds).toBe(0);
    expect(cached.fresh()).toBe(false);
    await mapper.restMapping({ group: 'apps', kind: 'Deployment' });
    await mapper.resourceFor(gvr('', '', 'po'));
    await mapper.kindFor(gvr('', '', 'ns'));
    expect(fake.rounds).toBe(1);
    expect(cached.fresh()).toBe(true);
  });

  it('re-discovers once on a miss and then finds a resource added since (a new CRD)', async () => {
    const { fake, mapper } = setup();
    await mapper.restMapping({ group: '', kind: 'Pod' });
    fake.groups.push(group('samplecontroller.k8s.io', ['v1alpha1']));
    fake.lists.push({
      groupVersion: 'samplecontroller.k8s.io/v1alpha1',
      resources: [res('foos', 'Foo', { singularName: 'foo' })],
    });
    expect((await mapper.restMapping({ group: 'samplecontroller.k8s.io', kind: 'Foo' })).resource).toEqual(
      gvr('samplecontroller.k8s.io', 'v1alpha1', 'foos'),
    );
    expect(fake.rounds).toBe(2);
    // the refreshed cache serves the other lookups
    expect(await mapper.kindFor(gvr('', '', 'foo'))).toEqual({
      group: 'samplecontroller.k8s.io',
      version: 'v1alpha1',
      kind: 'Foo',
    });
    expect(fake.rounds).toBe(2);
  });

  it('forgets a resource removed from the server once a miss refreshes the cache', async () => {
    const { fake, mapper } = setup();
    expect(await mapper.resourceFor(gvr('', '', 'wd'))).toEqual(gvr('example.com', 'v1', 'widgets'));
    fake.groups = fake.groups.filter((g) => g.name !== 'example.com');
    fake.lists = fake.lists.filter((l) => !l.groupVersion.startsWith('example.com/'));
    // still cached: no round trip
    expect(await mapper.resourceFor(gvr('', '', 'wd'))).toEqual(gvr('example.com', 'v1', 'widgets'));
    await expect(mapper.resourceFor(gvr('', '', 'nothing'))).rejects.toBeInstanceOf(NoResourceMatchError);
    await expect(mapper.resourceFor(gvr('', '', 'wd'))).rejects.toBeInstanceOf(NoResourceMatchError);
  });

  it.each<[string, (m: DeferredDiscoveryRESTMapper) => Promise<unknown>, new (message?: string) => Error]>([
    ['restMapping', (m) => m.restMapping({ group: 'x.io', kind: 'X' }), NoKindMatchError],
    ['resourceFor', (m) => m.resourceFor(gvr('', '', 'xs')), NoResourceMatchError],
    ['kindFor', (m) => m.kindFor(gvr('', '', 'xs')), NoResourceMatchError],
  ])('%s re-discovers exactly once per miss', async (_, lookup, type) => {
    const { fake, mapper } = setup();
    await expect(lookup(mapper)).rejects.toBeInstanceOf(type);
    expect(fake.rounds).toBe(2); // first discovery, then one re-discovery
    await expect(lookup(mapper)).rejects.toBeInstanceOf(type);
    expect(fake.rounds).toBe(3); // from the cache, then one re-discovery
  });

  it('passes a discovery failure through and asks again on the next lookup', async () => {
    const { fake, mapper } = setup();
    fake.failNext = new Error('connection refused');
    await expect(mapper.restMapping({ group: 'apps', kind: 'Deployment' })).rejects.toThrow('connection refused');
    expect((await mapper.restMapping({ group: 'apps', kind: 'Deployment' })).resource).toEqual(
      gvr('apps', 'v1', 'deployments'),
    );
    expect(fake.rounds).toBe(2);
  });

  it('maps what was discovered when some group versions failed, as client-go', async () => {
    const { fake, mapper } = setup();
    const all = await fake.serverGroupsAndResources();
    const failures = new Map([['example.com/v1', new Error('the server is currently unable to handle the request')]]);
    const partial = all.resources.filter((l) => l.groupVersion !== 'example.com/v1');
    fake.failNext = new GroupDiscoveryFailedError(failures, partial, all.groups);
    expect((await mapper.restMapping({ group: 'apps', kind: 'Deployment' })).resource).toEqual(
      gvr('apps', 'v1', 'deployments'),
    );
  });
});
