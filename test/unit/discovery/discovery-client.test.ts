// DiscoveryClient and MemCacheDiscovery against a scripted apiserver: /version, groups (core first),
// per-group-version resources, preferred resources, partial results on a failing group version
// (GroupDiscoveryFailedError), and the memory cache (one shared round, invalidate, failures not kept).
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isNotFound, isServiceUnavailable, StatusError } from '../../../src/apimachinery/errors.js';
import {
  type APIGroup,
  type APIResource,
  type APIResourceList,
  DiscoveryClient,
  GroupDiscoveryFailedError,
  MemCacheDiscovery,
  preferredResources,
} from '../../../src/discovery/index.js';
import { json, type Recorded, startFakeServer } from '../../support/fake-server.js';

const group = (name: string, versions: string[], preferred = versions[0]!): APIGroup => {
  const gv = (v: string) => ({ groupVersion: `${name}/${v}`, version: v });
  return { name, versions: versions.map(gv), preferredVersion: gv(preferred) };
};

const res = (name: string, kind: string, namespaced = true): APIResource => ({
  name,
  singularName: name.includes('/') ? '' : name.replace(/s$/, ''),
  namespaced,
  kind,
  verbs: ['get', 'list', 'watch'],
});

const VERSION = { major: '1', minor: '20', gitVersion: 'v1.20.2', platform: 'linux/amd64' };

const NAMED_GROUPS: APIGroup[] = [
  group('apps', ['v1']),
  // cronjobs only in the non-preferred version, as batch in Kubernetes 1.20
  group('batch', ['v1', 'v1beta1']),
  // preferred version listed last: it still wins
  group('example.com', ['v1alpha1', 'v1'], 'v1'),
  group('metrics.k8s.io', ['v1beta1']),
];

const RESOURCES: APIResourceList[] = [
  {
    groupVersion: 'v1',
    resources: [
      res('pods', 'Pod'),
      res('pods/status', 'Pod'),
      res('configmaps', 'ConfigMap'),
      res('namespaces', 'Namespace', false),
    ],
  },
  { groupVersion: 'apps/v1', resources: [res('deployments', 'Deployment'), res('deployments/scale', 'Scale')] },
  { groupVersion: 'batch/v1', resources: [res('jobs', 'Job')] },
  { groupVersion: 'batch/v1beta1', resources: [res('cronjobs', 'CronJob')] },
  { groupVersion: 'example.com/v1alpha1', resources: [res('widgets', 'Widget'), res('gizmos', 'Gizmo')] },
  { groupVersion: 'example.com/v1', resources: [res('widgets', 'Widget')] },
  {
    groupVersion: 'metrics.k8s.io/v1beta1',
    resources: [res('pods', 'PodMetrics'), res('nodes', 'NodeMetrics', false)],
  },
];

/** The paths of one full discovery round (groups, then every group version). */
const ROUND = [
  '/api',
  '/apis',
  '/api/v1',
  '/apis/apps/v1',
  '/apis/batch/v1',
  '/apis/batch/v1beta1',
  '/apis/example.com/v1alpha1',
  '/apis/example.com/v1',
  '/apis/metrics.k8s.io/v1beta1',
];

const unavailable = (res: ServerResponse) =>
  json(res, 503, {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    code: 503,
    reason: 'ServiceUnavailable',
    message: 'the server is currently unable to handle the request',
  });

/** An override: answer a path yourself (return true) or let the canned routes answer (false). */
type Override = (req: Recorded, res: ServerResponse) => boolean | Promise<boolean>;

let closeServer: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeServer?.();
  closeServer = undefined;
});

/** A scripted apiserver serving the canned discovery documents; `override` answers first. */
async function setup(override: Override = () => false, hostPath = '') {
  const server = await startFakeServer(async (req, res) => {
    if (await override(req, res)) return;
    const path = req.url.split('?')[0]!.replace(hostPath, '');
    if (path === '/version') return json(res, 200, VERSION);
    if (path === '/api') return json(res, 200, { kind: 'APIVersions', versions: ['v1'] });
    if (path === '/apis') return json(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: NAMED_GROUPS });
    if (path === '/openapi/v2') return json(res, 200, { swagger: '2.0', info: { title: 'Kubernetes' } });
    const gv = path.replace(/^\/apis?\//, '');
    const list = RESOURCES.find((l) => l.groupVersion === gv);
    if (list) return json(res, 200, { kind: 'APIResourceList', apiVersion: 'v1', ...list });
    json(res, 404, {
      kind: 'Status',
      code: 404,
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
    });
  });
  closeServer = server.close;
  const client = DiscoveryClient.forConfig({ host: server.url + hostPath, qps: -1 });
  const paths = () => server.requests.map((r) => r.url.replace(hostPath, ''));
  return { client, requests: server.requests, paths };
}

/** Fails the given paths with 503 ServiceUnavailable. */
const failing =
  (...paths: string[]): Override =>
  (req, res) => {
    if (!paths.includes(req.url)) return false;
    unavailable(res);
    return true;
  };

const names = (lists: APIResourceList[]) => lists.map((l) => [l.groupVersion, l.resources.map((r) => r.name)]);

const PREFERRED = [
  ['v1', ['pods', 'configmaps', 'namespaces']],
  ['apps/v1', ['deployments']],
  ['batch/v1', ['jobs']],
  ['batch/v1beta1', ['cronjobs']],
  ['example.com/v1', ['widgets']],
  ['example.com/v1alpha1', ['gizmos']],
  ['metrics.k8s.io/v1beta1', ['pods', 'nodes']],
];

describe('DiscoveryClient', () => {
  it('reads the server version from /version', async () => {
    const { client, requests } = await setup();
    expect(await client.serverVersion()).toEqual(VERSION);
    expect(requests.map((r) => [r.method, r.url, r.headers.accept])).toEqual([['GET', '/version', 'application/json']]);
  });

  it('keeps the host path prefix for absolute discovery paths', async () => {
    const { client, requests } = await setup(undefined, '/prefix');
    await client.serverVersion();
    await client.serverGroups();
    expect(requests.map((r) => r.url)).toEqual(['/prefix/version', '/prefix/api', '/prefix/apis']);
  });

  it('lists the core group first (from /api, preferring its first version), then /apis groups in order', async () => {
    const { client, paths } = await setup();
    const groups = await client.serverGroups();
    expect(paths()).toEqual(['/api', '/apis']);
    expect(groups[0]).toEqual({
      name: '',
      versions: [{ groupVersion: 'v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'v1', version: 'v1' },
    });
    expect(groups.slice(1)).toEqual(NAMED_GROUPS);
    expect(groups.find((g) => g.name === 'example.com')?.preferredVersion?.version).toBe('v1');
  });

  it.each([
    ['/api is 404', '/api', 404, ['apps', 'batch', 'example.com', 'metrics.k8s.io']],
    ['/api is 403', '/api', 403, ['apps', 'batch', 'example.com', 'metrics.k8s.io']],
    ['/apis is 404', '/apis', 404, ['']],
    ['/apis is 403', '/apis', 403, ['']],
  ])(
    'tolerates a refused group list as client-go does (%s): the other list is returned',
    async (_n, path, code, expected) => {
      const { client } = await setup((req, res) => {
        if (req.url !== path) return false;
        json(res, code, { kind: 'Status', code, reason: code === 404 ? 'NotFound' : 'Forbidden' });
        return true;
      });
      expect((await client.serverGroups()).map((g) => g.name)).toEqual(expected);
    },
  );

  it('leaves the core group out when /api lists no versions', async () => {
    const { client } = await setup((req, res) => {
      if (req.url !== '/api') return false;
      json(res, 200, { kind: 'APIVersions', versions: [] });
      return true;
    });
    expect((await client.serverGroups()).map((g) => g.name)).toEqual([
      'apps',
      'batch',
      'example.com',
      'metrics.k8s.io',
    ]);
  });

  it.each(['/api', '/apis'])('fails serverGroups with the StatusError when %s fails otherwise', async (path) => {
    const { client } = await setup(failing(path));
    const err = await client.serverGroups().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect(isServiceUnavailable(err)).toBe(true);
  });

  it.each<[string, string | { group: string; version: string }, string]>([
    ['core as a string', 'v1', '/api/v1'],
    ['core as a GroupVersion', { group: '', version: 'v1' }, '/api/v1'],
    ['named group as a string', 'apps/v1', '/apis/apps/v1'],
    ['named group as a GroupVersion', { group: 'example.com', version: 'v1alpha1' }, '/apis/example.com/v1alpha1'],
  ])('fetches the resources of a group version (%s)', async (_n, gv, path) => {
    const { client, paths } = await setup();
    const list = await client.serverResourcesForGroupVersion(gv);
    expect(paths()).toEqual([path]);
    const expected = RESOURCES.find((l) => `/api${l.groupVersion.includes('/') ? 's' : ''}/${l.groupVersion}` === path);
    expect(list).toEqual({ kind: 'APIResourceList', apiVersion: 'v1', ...expected });
  });

  it('rejects an unknown group version with NotFound', async () => {
    const { client } = await setup();
    expect(isNotFound(await client.serverResourcesForGroupVersion('nope.io/v1').catch((e: unknown) => e))).toBe(true);
  });

  it('fetches every group version once and returns the lists in discovery order (core first)', async () => {
    const { client, paths } = await setup();
    const { groups, resources } = await client.serverGroupsAndResources();
    expect(groups.map((g) => g.name)).toEqual(['', 'apps', 'batch', 'example.com', 'metrics.k8s.io']);
    expect(resources.map((l) => l.groupVersion)).toEqual(RESOURCES.map((l) => l.groupVersion));
    // subresources are kept here: only the preferred view drops them
    expect(resources[0]!.resources.map((r) => r.name)).toContain('pods/status');
    expect(paths().slice(0, 2)).toEqual(['/api', '/apis']);
    expect([...paths()].sort()).toEqual([...ROUND].sort());
  });

  it('reports a failing group version with the other results (GroupDiscoveryFailedError)', async () => {
    const { client } = await setup(failing('/apis/metrics.k8s.io/v1beta1'));
    const err = await client.serverGroupsAndResources().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GroupDiscoveryFailedError);
    const failed = err as GroupDiscoveryFailedError;
    expect(failed.name).toBe('GroupDiscoveryFailedError');
    expect([...failed.failures.keys()]).toEqual(['metrics.k8s.io/v1beta1']);
    expect(isServiceUnavailable(failed.failures.get('metrics.k8s.io/v1beta1'))).toBe(true);
    expect(failed.message).toBe(
      'unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request',
    );
    expect(failed.partial.map((l) => l.groupVersion)).toEqual(RESOURCES.slice(0, -1).map((l) => l.groupVersion));
    expect(failed.groups.map((g) => g.name)).toEqual(['', 'apps', 'batch', 'example.com', 'metrics.k8s.io']);
  });

  it('names every failing group version', async () => {
    const { client } = await setup(failing('/apis/metrics.k8s.io/v1beta1', '/apis/batch/v1beta1'));
    const err = (await client.serverGroupsAndResources().catch((e: unknown) => e)) as GroupDiscoveryFailedError;
    expect([...err.failures.keys()].sort()).toEqual(['batch/v1beta1', 'metrics.k8s.io/v1beta1']);
    expect(err.message).toMatch(/batch\/v1beta1: the server is currently unable/);
    expect(err.message).toMatch(/metrics\.k8s\.io\/v1beta1: the server is currently unable/);
  });

  it("picks each group's preferred version, keeps resources only older versions serve, drops subresources", async () => {
    const { client } = await setup();
    expect(names(await client.serverPreferredResources())).toEqual(PREFERRED);
  });

  it.each([
    [
      'a non-preferred group version fails',
      '/apis/metrics.k8s.io/v1beta1',
      PREFERRED.filter(([gv]) => gv !== 'metrics.k8s.io/v1beta1'),
    ],
    [
      'the preferred version fails: the other versions still serve',
      '/apis/example.com/v1',
      PREFERRED.map(([gv, r]) => (gv === 'example.com/v1alpha1' ? [gv, ['widgets', 'gizmos']] : [gv, r])).filter(
        ([gv]) => gv !== 'example.com/v1',
      ),
    ],
  ])('serverPreferredResources keeps the preferred partial results when %s', async (_n, path, expected) => {
    const { client } = await setup(failing(path));
    const err = await client.serverPreferredResources().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GroupDiscoveryFailedError);
    expect(names((err as GroupDiscoveryFailedError).partial)).toEqual(expected);
  });

  it('fails serverGroupsAndResources outright (no partial results) when the group list fails', async () => {
    const { client } = await setup(failing('/apis'));
    const err = await client.serverGroupsAndResources().catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(GroupDiscoveryFailedError);
    expect(isServiceUnavailable(err)).toBe(true);
  });

  it('fetches the OpenAPI v2 document', async () => {
    const { client, paths } = await setup();
    expect(await client.openAPISchema()).toMatchObject({ swagger: '2.0' });
    expect(paths()).toEqual(['/openapi/v2']);
  });
});

describe('preferredResources', () => {
  const core = { name: '', versions: [{ groupVersion: 'v1', version: 'v1' }] };
  it.each<[string, APIGroup[], APIResourceList[], unknown]>([
    [
      'no preferredVersion: the first version is preferred',
      [{ name: 'g', versions: group('g', ['v2', 'v1']).versions }],
      [
        { groupVersion: 'g/v1', resources: [res('a', 'A'), res('b', 'B')] },
        { groupVersion: 'g/v2', resources: [res('a', 'A')] },
      ],
      [
        ['g/v2', ['a']],
        ['g/v1', ['b']],
      ],
    ],
    [
      'a version whose resources are all served by the preferred one is left out',
      [group('g', ['v1', 'v1beta1'])],
      [
        { groupVersion: 'g/v1', resources: [res('a', 'A')] },
        { groupVersion: 'g/v1beta1', resources: [res('a', 'A'), res('a/status', 'A')] },
      ],
      [['g/v1', ['a']]],
    ],
    [
      'a group version without a list (failed) is skipped',
      [core, group('g', ['v1'])],
      [{ groupVersion: 'g/v1', resources: [res('a', 'A')] }],
      [['g/v1', ['a']]],
    ],
    [
      'the same resource name in two groups is kept in both',
      [core, group('g', ['v1'])],
      [
        { groupVersion: 'v1', resources: [res('events', 'Event')] },
        { groupVersion: 'g/v1', resources: [res('events', 'Event')] },
      ],
      [
        ['v1', ['events']],
        ['g/v1', ['events']],
      ],
    ],
  ])('%s', (_n, groups, lists, expected) => {
    expect(names(preferredResources(groups, lists))).toEqual(expected);
  });

  it('keeps the resource objects and the list fields as discovered', () => {
    const list = { groupVersion: 'g/v1', resources: [res('a', 'A', false)] };
    expect(preferredResources([group('g', ['v1'])], [list])).toEqual([list]);
  });
});

describe('MemCacheDiscovery', () => {
  it('serves from memory after one round of requests, until invalidate()', async () => {
    const { client, paths } = await setup();
    const cached = new MemCacheDiscovery(client);
    expect(cached.delegate).toBe(client);
    expect(cached.fresh()).toBe(false);
    const first = await cached.serverGroupsAndResources();
    expect(cached.fresh()).toBe(true);
    expect(await cached.serverGroupsAndResources()).toBe(first);
    expect(names(await cached.serverPreferredResources())).toEqual(PREFERRED);
    expect([...paths()].sort()).toEqual([...ROUND].sort());

    cached.invalidate();
    expect(cached.fresh()).toBe(false);
    const second = await cached.serverGroupsAndResources();
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(paths()).toHaveLength(2 * ROUND.length);
  });

  it('shares one round between concurrent callers', async () => {
    const { client, paths } = await setup();
    const cached = new MemCacheDiscovery(client);
    const [a, b, c] = await Promise.all([
      cached.serverGroupsAndResources(),
      cached.serverGroupsAndResources(),
      cached.serverPreferredResources(),
    ]);
    expect(b).toBe(a);
    expect(names(c)).toEqual(PREFERRED);
    expect(paths()).toHaveLength(ROUND.length);
  });

  it('does not keep a failure: the next call asks again', async () => {
    let fail = true;
    const { client, paths } = await setup((req, res) => {
      if (!fail || req.url !== '/apis/metrics.k8s.io/v1beta1') return false;
      unavailable(res);
      return true;
    });
    const cached = new MemCacheDiscovery(client);
    const err = await cached.serverGroupsAndResources().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GroupDiscoveryFailedError);
    expect(cached.fresh()).toBe(false);
    fail = false;
    expect((await cached.serverGroupsAndResources()).resources).toHaveLength(RESOURCES.length);
    expect(cached.fresh()).toBe(true);
    expect(paths()).toHaveLength(2 * ROUND.length);
  });

  it('reports partial preferred results through the cache too', async () => {
    const { client } = await setup(failing('/apis/metrics.k8s.io/v1beta1'));
    const err = await new MemCacheDiscovery(client).serverPreferredResources().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GroupDiscoveryFailedError);
    expect(names((err as GroupDiscoveryFailedError).partial)).toEqual(PREFERRED.slice(0, -1));
  });

  it('a round invalidated while in flight, failing later, does not evict the newer round', async () => {
    let firstArrived!: () => void;
    const arrived = new Promise<void>((r) => {
      firstArrived = r;
    });
    let releaseFirst!: () => void;
    const released = new Promise<void>((r) => {
      releaseFirst = r;
    });
    let metricsCalls = 0;
    const { client, paths } = await setup(async (req, res) => {
      if (req.url !== '/apis/metrics.k8s.io/v1beta1' || metricsCalls++ > 0) return false;
      firstArrived();
      await released;
      unavailable(res);
      return true;
    });
    const cached = new MemCacheDiscovery(client);
    const stale = cached.serverGroupsAndResources().catch((e: unknown) => e);
    await arrived;
    cached.invalidate();
    const fresh = await cached.serverGroupsAndResources();
    releaseFirst();
    expect(await stale).toBeInstanceOf(GroupDiscoveryFailedError);
    expect(cached.fresh()).toBe(true);
    expect(await cached.serverGroupsAndResources()).toBe(fresh);
    expect(paths()).toHaveLength(2 * ROUND.length);
  });

  it('rejects every concurrent caller of a failed round with the same error', async () => {
    const { client } = await setup(failing('/apis'));
    const cached = new MemCacheDiscovery(client);
    const [a, b] = await Promise.all([
      cached.serverGroupsAndResources().catch((e: unknown) => e),
      cached.serverPreferredResources().catch((e: unknown) => e),
    ]);
    expect(isServiceUnavailable(a)).toBe(true);
    expect(b).toBe(a);
  });
});
