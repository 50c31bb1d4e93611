// The scale client (client-go's scale.ScalesGetter) against a scripted apiserver: the scale
// subresource's URL found through the RESTMapper (or given, for patch), get/update/patch, the
// autoscaling/v1 Scale it returns, and its errors.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isConflict, isNotFound, StatusError } from '../../../src/apimachinery/errors.js';
import { type APIResource, DiscoveryClient, MemCacheDiscovery } from '../../../src/discovery/index.js';
import { RequestConstructionError } from '../../../src/rest/index.js';
import { DeferredDiscoveryRESTMapper, NoResourceMatchError } from '../../../src/restmapper/index.js';
import { type Scale, ScaleClient } from '../../../src/scale/index.js';
import { rejection } from '../../support/caught.js';
import { json, type Recorded, startFakeServer } from '../../support/fake-server.js';

const res = (name: string, kind: string, shortNames: string[] = []): APIResource => ({
  name,
  singularName: name.includes('/') ? '' : name.replace(/s$/, ''),
  namespaced: true,
  kind,
  verbs: ['get', 'update', 'patch'],
  shortNames,
});

/** What discovery serves: scalable resources in the core group, apps, and a CRD group with two versions. */
const DISCOVERY: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'] },
  '/apis': {
    kind: 'APIGroupList',
    groups: [
      {
        name: 'apps',
        versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
        preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
      },
      {
        name: 'example.com',
        versions: [
          { groupVersion: 'example.com/v1alpha1', version: 'v1alpha1' },
          { groupVersion: 'example.com/v1', version: 'v1' },
        ],
        preferredVersion: { groupVersion: 'example.com/v1', version: 'v1' },
      },
    ],
  },
  '/api/v1': {
    groupVersion: 'v1',
    resources: [
      res('pods', 'Pod'),
      res('replicationcontrollers', 'ReplicationController', ['rc']),
      res('replicationcontrollers/scale', 'Scale'),
    ],
  },
  '/apis/apps/v1': {
    groupVersion: 'apps/v1',
    resources: [
      res('deployments', 'Deployment', ['deploy']),
      res('deployments/scale', 'Scale'),
      res('replicasets', 'ReplicaSet', ['rs']),
      res('replicasets/scale', 'Scale'),
      res('statefulsets', 'StatefulSet', ['sts']),
      res('statefulsets/scale', 'Scale'),
    ],
  },
  '/apis/example.com/v1alpha1': { groupVersion: 'example.com/v1alpha1', resources: [res('widgets', 'Widget')] },
  '/apis/example.com/v1': {
    groupVersion: 'example.com/v1',
    resources: [res('widgets', 'Widget'), res('widgets/scale', 'Scale')],
  },
};

/** The autoscaling/v1 Scale the server holds for every scalable object. */
const stored = (name: string, namespace = 'ns1'): Scale => ({
  apiVersion: 'autoscaling/v1',
  kind: 'Scale',
  metadata: { name, namespace, resourceVersion: '7', uid: 'u-1' },
  spec: { replicas: 3 },
  status: { replicas: 2, selector: 'app=web' },
});

const status = (res: ServerResponse, code: number, reason: string, message: string) =>
  json(res, code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

/** Answers the scale subresource: GET the stored Scale, PUT/PATCH echo what was sent with a new resourceVersion. */
const scaleRoutes = (req: Recorded, res: ServerResponse) => {
  const path = req.url.split('?')[0]!;
  const m = /\/([^/]+)\/scale$/.exec(path);
  if (!m) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
  const name = m[1]!;
  if (name === 'missing') return status(res, 404, 'NotFound', `deployments.apps "${name}" not found`);
  if (req.method === 'GET') return json(res, 200, stored(name));
  const sent = req.method === 'PUT' ? (JSON.parse(req.body) as Scale) : stored(name);
  if (sent.metadata?.resourceVersion === 'stale') {
    return status(
      res,
      409,
      'Conflict',
      'the object has been modified; please apply your changes to the latest version',
    );
  }
  json(res, 200, { ...sent, metadata: { ...sent.metadata, resourceVersion: '8' } });
};

let server: Awaited<ReturnType<typeof startFakeServer>>;
let client: ScaleClient;
let discoveryDown = false;

beforeAll(async () => {
  server = await startFakeServer((req, res) => {
    const doc = DISCOVERY[req.url.split('?')[0]!];
    if (doc && discoveryDown) return status(res, 500, 'InternalError', 'discovery is down');
    if (doc) return json(res, 200, doc);
    scaleRoutes(req, res);
  });
});
afterAll(() => server.close());
beforeEach(() => {
  discoveryDown = false;
  server.requests.length = 0;
  const config = { host: server.url, qps: -1 };
  client = ScaleClient.forConfig(
    config,
    new DeferredDiscoveryRESTMapper(new MemCacheDiscovery(DiscoveryClient.forConfig(config))),
  );
});

/** The requests that were not discovery. */
const scaleRequests = () => server.requests.filter((r) => !(r.url.split('?')[0]! in DISCOVERY));
const discoveryRounds = () => server.requests.filter((r) => r.url === '/apis').length;

describe('ScaleClient.get', () => {
  it.each([
    { gr: { group: 'apps', resource: 'deployments' }, path: '/apis/apps/v1/namespaces/ns1/deployments/web/scale' },
    { gr: { group: 'apps', resource: 'replicasets' }, path: '/apis/apps/v1/namespaces/ns1/replicasets/web/scale' },
    { gr: { group: 'apps', resource: 'statefulsets' }, path: '/apis/apps/v1/namespaces/ns1/statefulsets/web/scale' },
    // the legacy core group lives under /api
    {
      gr: { group: '', resource: 'replicationcontrollers' },
      path: '/api/v1/namespaces/ns1/replicationcontrollers/web/scale',
    },
    // a custom resource in its group's preferred version, though an older version lists it first
    {
      gr: { group: 'example.com', resource: 'widgets' },
      path: '/apis/example.com/v1/namespaces/ns1/widgets/web/scale',
    },
    // short and singular names resolve through the mapper too
    { gr: { group: 'apps', resource: 'deploy' }, path: '/apis/apps/v1/namespaces/ns1/deployments/web/scale' },
    { gr: { group: 'apps', resource: 'statefulset' }, path: '/apis/apps/v1/namespaces/ns1/statefulsets/web/scale' },
    { gr: { group: '', resource: 'rc' }, path: '/api/v1/namespaces/ns1/replicationcontrollers/web/scale' },
  ])('GETs $path for $gr.group/$gr.resource', async ({ gr, path }) => {
    const scale = await client.scales('ns1').get(gr, 'web');
    expect(scale.spec?.replicas).toBe(3);
    // no query either: there are no options to send
    expect(scaleRequests().map((r) => [r.method, r.url])).toEqual([['GET', path]]);
  });

  it('returns the autoscaling/v1 Scale the server sent', async () => {
    const scale = await client.scales('ns1').get({ group: 'apps', resource: 'deployments' }, 'web');
    expect(scale).toEqual(stored('web'));
    expect(scaleRequests()[0]?.headers.accept).toContain('application/json');
  });

  it('without a namespace, leaves the namespace out of the path (Go: NamespaceIfScoped with "")', async () => {
    await client.scales('').get({ group: 'apps', resource: 'deployments' }, 'web');
    expect(scaleRequests()[0]?.url.split('?')[0]).toBe('/apis/apps/v1/deployments/web/scale');
  });

  it('discovers once for many calls and namespaces', async () => {
    await client.scales('ns1').get({ group: 'apps', resource: 'deployments' }, 'a');
    await client.scales('ns2').get({ group: 'apps', resource: 'replicasets' }, 'b');
    await client.scales('ns1').update({ group: 'apps', resource: 'deployments' }, stored('a'));
    expect(discoveryRounds()).toBe(1);
    expect(scaleRequests().map((r) => r.url.split('?')[0])).toEqual([
      '/apis/apps/v1/namespaces/ns1/deployments/a/scale',
      '/apis/apps/v1/namespaces/ns2/replicasets/b/scale',
      '/apis/apps/v1/namespaces/ns1/deployments/a/scale',
    ]);
  });
});

describe('ScaleClient.update', () => {
  it('PUTs the Scale as JSON to the scale subresource named by metadata.name and returns the answer', async () => {
    const want: Scale = { ...stored('web'), spec: { replicas: 5 } };
    const got = await client.scales('ns1').update({ group: 'apps', resource: 'deployments' }, want);
    const [put] = scaleRequests();
    expect(put?.method).toBe('PUT');
    expect(put?.url.split('?')[0]).toBe('/apis/apps/v1/namespaces/ns1/deployments/web/scale');
    expect(put?.headers['content-type']).toContain('application/json');
    expect(JSON.parse(put?.body ?? '')).toEqual(want);
    expect(got.spec?.replicas).toBe(5);
    expect(got.metadata?.resourceVersion).toBe('8');
  });

  it('a Scale without metadata.name is refused before any request (Go: an empty name is an error)', async () => {
    const err = await rejection(
      client.scales('ns1').update({ group: 'apps', resource: 'deployments' }, { spec: { replicas: 1 } }),
    );
    expect(err).toBeInstanceOf(RequestConstructionError);
    expect(scaleRequests()).toEqual([]);
  });

  it('a stale resourceVersion comes back as the Conflict StatusError the server sent', async () => {
    const stale: Scale = { ...stored('web'), metadata: { name: 'web', resourceVersion: 'stale' } };
    const err = await rejection(client.scales('ns1').update({ group: 'apps', resource: 'deployments' }, stale));
    expect(err).toBeInstanceOf(StatusError);
    expect(isConflict(err)).toBe(true);
  });
});

describe('ScaleClient.patch', () => {
  it.each([
    { type: 'application/merge-patch+json' as const, data: { spec: { replicas: 4 } } },
    { type: 'application/json-patch+json' as const, data: [{ op: 'replace', path: '/spec/replicas', value: 4 }] },
  ])('PATCHes with $type at the given resource, without asking discovery', async ({ type, data }) => {
    const scale = await client
      .scales('ns1')
      .patch({ group: 'example.com', version: 'v1alpha1', resource: 'widgets' }, 'w1', type, data);
    expect(scale.metadata?.name).toBe('w1');
    expect(server.requests).toHaveLength(1);
    const [patch] = server.requests;
    expect(patch?.method).toBe('PATCH');
    expect(patch?.url.split('?')[0]).toBe('/apis/example.com/v1alpha1/namespaces/ns1/widgets/w1/scale');
    expect(patch?.headers['content-type']).toBe(type);
    expect(JSON.parse(patch?.body ?? '')).toEqual(data);
  });

  it('a core resource is patched under /api', async () => {
    await client
      .scales('ns1')
      .patch(
        { group: '', version: 'v1', resource: 'replicationcontrollers' },
        'rc1',
        'application/merge-patch+json',
        {},
      );
    expect(server.requests[0]?.url.split('?')[0]).toBe('/api/v1/namespaces/ns1/replicationcontrollers/rc1/scale');
  });
});

describe('ScaleClient errors', () => {
  it('a resource discovery does not know is a NoResourceMatchError after one re-discovery, with no scale request', async () => {
    const err = await rejection(client.scales('ns1').get({ group: 'apps', resource: 'gadgets' }, 'web'));
    expect(err).toBeInstanceOf(NoResourceMatchError);
    expect(discoveryRounds()).toBe(2);
    expect(scaleRequests()).toEqual([]);
  });

  it('a resource in another group than asked is not found', async () => {
    const err = await rejection(client.scales('ns1').get({ group: 'apps', resource: 'widgets' }, 'web'));
    expect(err).toBeInstanceOf(NoResourceMatchError);
  });

  it.each([
    ['get', () => client.scales('ns1').get({ group: 'apps', resource: 'deployments' }, 'missing')],
    [
      'update',
      () => client.scales('ns1').update({ group: 'apps', resource: 'deployments' }, { metadata: { name: 'missing' } }),
    ],
    [
      'patch',
      () =>
        client
          .scales('ns1')
          .patch(
            { group: 'apps', version: 'v1', resource: 'deployments' },
            'missing',
            'application/merge-patch+json',
            {},
          ),
    ],
  ])('%s of a missing object throws the NotFound StatusError as sent', async (_verb, call) => {
    const err = await rejection(call());
    expect(isNotFound(err)).toBe(true);
    expect((err as StatusError).message).toBe('deployments.apps "missing" not found');
  });

  it('a discovery failure is thrown as it is, with no scale request', async () => {
    discoveryDown = true;
    const err = await rejection(client.scales('ns1').get({ group: 'apps', resource: 'deployments' }, 'web'));
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(500);
    expect(scaleRequests()).toEqual([]);
  });
});
