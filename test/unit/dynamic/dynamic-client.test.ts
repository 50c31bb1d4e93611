// DynamicClient against a scripted apiserver: URLs for core and named groups, namespaced and
// cluster-wide, unstructured bodies sent and returned as is, list items typed from the list as
// client-go's UnstructuredList decoding does, patch types, apply, subresources, delete and watch.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isNotFound, StatusError } from '../../../src/apimachinery/errors.js';
import { PatchType } from '../../../src/apimachinery/meta.js';
import type { GroupVersionResource } from '../../../src/apimachinery/schema.js';
import {
  DynamicClient,
  DynamicResource,
  DynamicResourceClient,
  type Unstructured,
  type UnstructuredList,
} from '../../../src/dynamic/index.js';
import { json, type Recorded, startFakeServer } from '../../support/fake-server.js';

const CONFIGMAPS: GroupVersionResource = { group: '', version: 'v1', resource: 'configmaps' };
const DEPLOYMENTS: GroupVersionResource = { group: 'apps', version: 'v1', resource: 'deployments' };
const FOOS: GroupVersionResource = { group: 'samplecontroller.k8s.io', version: 'v1alpha1', resource: 'foos' };
const CLUSTERROLES: GroupVersionResource = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  resource: 'clusterroles',
};

const FOO = {
  apiVersion: 'samplecontroller.k8s.io/v1alpha1',
  kind: 'Foo',
  metadata: { name: 'example', namespace: 'ns' },
  spec: { deploymentName: 'example', replicas: 1, nested: { list: [1, 'two', { three: true }] } },
} satisfies Unstructured;

let closeServer: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeServer?.();
  closeServer = undefined;
});

/** A scripted apiserver: `answer` replies to each request (default: 200 with `{}`). */
async function setup(answer: (req: Recorded, res: ServerResponse) => void = (_r, res) => json(res, 200, {})) {
  const server = await startFakeServer(answer);
  closeServer = server.close;
  const dyn = DynamicClient.forConfig({ host: server.url, qps: -1 });
  const last = () => {
    const r = server.requests.at(-1)!;
    const url = new URL(r.url, server.url);
    return { ...r, path: url.pathname, query: Object.fromEntries(url.searchParams) };
  };
  return { dyn, requests: server.requests, last };
}

describe('DynamicClient URLs', () => {
  it.each<[string, GroupVersionResource, string | undefined, (c: DynamicResourceClient) => Promise<unknown>, string]>([
    ['core, namespaced get', CONFIGMAPS, 'ns', (c) => c.get('a'), 'GET /api/v1/namespaces/ns/configmaps/a'],
    ['core, list in a namespace', CONFIGMAPS, 'ns', (c) => c.list(), 'GET /api/v1/namespaces/ns/configmaps'],
    ['core, list across namespaces', CONFIGMAPS, undefined, (c) => c.list(), 'GET /api/v1/configmaps'],
    ["core, namespace('') lists all namespaces", CONFIGMAPS, '', (c) => c.list(), 'GET /api/v1/configmaps'],
    [
      'named group, namespaced',
      DEPLOYMENTS,
      'ns',
      (c) => c.get('web'),
      'GET /apis/apps/v1/namespaces/ns/deployments/web',
    ],
    ['named group, across namespaces', DEPLOYMENTS, undefined, (c) => c.list(), 'GET /apis/apps/v1/deployments'],
    [
      'CRD group',
      FOOS,
      'ns',
      (c) => c.get('example'),
      'GET /apis/samplecontroller.k8s.io/v1alpha1/namespaces/ns/foos/example',
    ],
    [
      'cluster-scoped resource',
      CLUSTERROLES,
      undefined,
      (c) => c.get('admin'),
      'GET /apis/rbac.authorization.k8s.io/v1/clusterroles/admin',
    ],
    ['create', FOOS, 'ns', (c) => c.create(FOO), 'POST /apis/samplecontroller.k8s.io/v1alpha1/namespaces/ns/foos'],
    [
      'update by metadata.name',
      FOOS,
      'ns',
      (c) => c.update(FOO),
      'PUT /apis/samplecontroller.k8s.io/v1alpha1/namespaces/ns/foos/example',
    ],
    [
      'updateStatus',
      FOOS,
      'ns',
      (c) => c.updateStatus(FOO),
      'PUT /apis/samplecontroller.k8s.io/v1alpha1/namespaces/ns/foos/example/status',
    ],
    ['delete', CONFIGMAPS, 'ns', (c) => c.delete('a'), 'DELETE /api/v1/namespaces/ns/configmaps/a'],
    [
      'deleteCollection',
      CLUSTERROLES,
      undefined,
      (c) => c.deleteCollection(),
      'DELETE /apis/rbac.authorization.k8s.io/v1/clusterroles',
    ],
    [
      'get a subresource',
      DEPLOYMENTS,
      'ns',
      (c) => c.getSubresource('web', 'scale'),
      'GET /apis/apps/v1/namespaces/ns/deployments/web/scale',
    ],
    [
      'update a subresource',
      DEPLOYMENTS,
      'ns',
      (c) => c.updateSubresource('web', 'scale', { spec: { replicas: 2 } }),
      'PUT /apis/apps/v1/namespaces/ns/deployments/web/scale',
    ],
    [
      'create a subresource',
      { group: '', version: 'v1', resource: 'pods' },
      'ns',
      (c) => c.createSubresource('p', 'eviction', { apiVersion: 'policy/v1beta1', kind: 'Eviction' }),
      'POST /api/v1/namespaces/ns/pods/p/eviction',
    ],
    [
      'patch a subresource',
      DEPLOYMENTS,
      'ns',
      (c) => c.patch('web', PatchType.Merge, { spec: { replicas: 3 } }, {}, 'scale'),
      'PATCH /apis/apps/v1/namespaces/ns/deployments/web/scale',
    ],
  ])('%s', async (_n, gvr, ns, call, expected) => {
    const { dyn, last } = await setup((_r, res) => json(res, 200, { kind: 'List', apiVersion: 'v1', items: [] }));
    const r = dyn.resource(gvr);
    await call(ns === undefined ? r : r.namespace(ns));
    const req = last();
    expect(`${req.method} ${req.path}`).toBe(expected);
  });

  it('a cluster-scoped resource ignores the namespace field of the object', async () => {
    const { dyn, last } = await setup();
    await dyn.resource(CLUSTERROLES).update({ metadata: { name: 'admin', namespace: 'ignored' } });
    expect(last().path).toBe('/apis/rbac.authorization.k8s.io/v1/clusterroles/admin');
  });

  it('shares one REST client per group version and one rate limiter across group versions', () => {
    const dyn = DynamicClient.forConfig({ host: 'http://127.0.0.1:1', qps: 5 });
    const foos = dyn.resource(FOOS);
    expect(foos).toBeInstanceOf(DynamicResource);
    expect(dyn.resource({ ...FOOS, resource: 'bars' }).restClient).toBe(foos.restClient);
    expect(foos.namespace('ns').restClient).toBe(foos.restClient);
    expect(dyn.resource(CONFIGMAPS).restClient).not.toBe(foos.restClient);
    expect(dyn.resource(CONFIGMAPS).restClient.rateLimiter).toBe(foos.restClient.rateLimiter);
  });

  it('describes the resource by its GroupVersionResource, namespaced only through namespace()', () => {
    const r = DynamicClient.forConfig({ host: 'http://127.0.0.1:1' }).resource(FOOS);
    expect(r.descriptor).toEqual({ ...FOOS, kind: '', namespaced: false });
    const n = r.namespace('ns');
    expect(n).toBeInstanceOf(DynamicResourceClient);
    expect(n.descriptor).toEqual({ ...FOOS, kind: '', namespaced: true });
    expect(n.ns).toBe('ns');
  });
});

describe('DynamicClient bodies', () => {
  it('sends an unstructured object as is and returns what the server answered, unknown fields included', async () => {
    const answered = { ...FOO, metadata: { ...FOO.metadata, uid: 'u1', resourceVersion: '7' }, status: { ready: 1 } };
    const { dyn, last } = await setup((_r, res) => json(res, 201, answered));
    const got = await dyn
      .resource(FOOS)
      .namespace('ns')
      .create(FOO, { dryRun: ['All'], fieldManager: 'me' });
    expect(got).toEqual(answered);
    const req = last();
    expect(JSON.parse(req.body)).toEqual(FOO);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.accept).toBe('application/json');
    expect(req.query).toEqual({ dryRun: 'All', fieldManager: 'me' });
  });

  it('does not invent apiVersion or kind for an object without them', async () => {
    const { dyn, last } = await setup();
    await dyn
      .resource(CONFIGMAPS)
      .namespace('ns')
      .create({ metadata: { name: 'bare' }, data: { a: '1' } });
    expect(JSON.parse(last().body)).toEqual({ metadata: { name: 'bare' }, data: { a: '1' } });
  });

  it('update needs metadata.name and sends nothing without it', async () => {
    const { dyn, requests } = await setup();
    await expect(dyn.resource(FOOS).namespace('ns').update({ kind: 'Foo', spec: {} })).rejects.toThrow(
      /metadata\.name/,
    );
    expect(requests).toHaveLength(0);
  });

  it('passes get options as query parameters', async () => {
    const { dyn, last } = await setup((_r, res) => json(res, 200, FOO));
    expect(await dyn.resource(FOOS).namespace('ns').get('example', { resourceVersion: '0' })).toEqual(FOO);
    expect(last().query).toEqual({ resourceVersion: '0' });
  });

  it('sends DeleteOptions as the body of a delete and list options as the query of a deleteCollection', async () => {
    const { dyn, requests } = await setup((_r, res) => json(res, 200, { kind: 'Status', status: 'Success' }));
    const cms = dyn.resource(CONFIGMAPS).namespace('ns');
    await cms.delete('a', { gracePeriodSeconds: 0, propagationPolicy: 'Foreground' });
    await cms.deleteCollection({ propagationPolicy: 'Background' }, { labelSelector: 'app=web' });
    expect(JSON.parse(requests[0]!.body)).toEqual({
      apiVersion: 'meta.k8s.io/v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 0,
      propagationPolicy: 'Foreground',
    });
    expect(requests[1]!.url).toBe('/api/v1/namespaces/ns/configmaps?labelSelector=app%3Dweb');
    expect(JSON.parse(requests[1]!.body)).toMatchObject({ kind: 'DeleteOptions', propagationPolicy: 'Background' });
  });

  it('rejects with the server Status as a StatusError', async () => {
    const { dyn } = await setup((_r, res) =>
      json(res, 404, { kind: 'Status', code: 404, reason: 'NotFound', message: 'foos "x" not found' }),
    );
    const err = await dyn
      .resource(FOOS)
      .namespace('ns')
      .get('x')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect(isNotFound(err)).toBe(true);
    expect((err as Error).message).toBe('foos "x" not found');
  });
});

describe('DynamicClient list', () => {
  it.each<[string, Partial<UnstructuredList>, Unstructured, Unstructured]>([
    [
      'a core list: items get apiVersion v1 and the kind without "List"',
      { apiVersion: 'v1', kind: 'ConfigMapList' },
      { metadata: { name: 'a' }, data: { x: '1' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { x: '1' } },
    ],
    [
      'a named group list',
      { apiVersion: 'apps/v1', kind: 'DeploymentList' },
      { metadata: { name: 'web' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } },
    ],
    [
      'an item with its own apiVersion and kind keeps them',
      { apiVersion: 'samplecontroller.k8s.io/v1alpha1', kind: 'FooList' },
      FOO,
      FOO,
    ],
    [
      'an item with only a kind is left as is (both must be missing)',
      { apiVersion: 'v1', kind: 'ConfigMapList' },
      { kind: 'Other', metadata: { name: 'a' } },
      { kind: 'Other', metadata: { name: 'a' } },
    ],
    [
      'an item with only an apiVersion is left as is',
      { apiVersion: 'v1', kind: 'ConfigMapList' },
      { apiVersion: 'v2', metadata: { name: 'a' } },
      { apiVersion: 'v2', metadata: { name: 'a' } },
    ],
  ])('%s', async (_n, listType, item, expected) => {
    const { dyn } = await setup((_r, res) => json(res, 200, { ...listType, metadata: {}, items: [item] }));
    const list = await dyn.resource(CONFIGMAPS).namespace('ns').list();
    expect(list.items).toEqual([expected]);
    // the cluster-wide client does the same
    expect((await dyn.resource(CONFIGMAPS).list()).items).toEqual([expected]);
  });

  it('keeps the list type, its metadata and the continue token; passes list options as the query', async () => {
    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMapList',
      metadata: { resourceVersion: '42', continue: 'next-page', remainingItemCount: 3 },
      items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }],
    };
    const { dyn, last } = await setup((_r, res) => json(res, 200, body));
    const list = await dyn
      .resource(CONFIGMAPS)
      .namespace('ns')
      .list({ labelSelector: 'app=web', fieldSelector: 'metadata.name!=c', limit: 2, continue: 'page' });
    expect(list.apiVersion).toBe('v1');
    expect(list.kind).toBe('ConfigMapList');
    expect(list.metadata).toEqual(body.metadata);
    expect(list.items.map((i) => `${i.kind}/${i.metadata?.name}`)).toEqual(['ConfigMap/a', 'ConfigMap/b']);
    expect(last().query).toEqual({
      labelSelector: 'app=web',
      fieldSelector: 'metadata.name!=c',
      limit: '2',
      continue: 'page',
    });
  });

  it('leaves the items of a generic v1 List alone (their kinds cannot be inferred)', async () => {
    const { dyn } = await setup((_r, res) =>
      json(res, 200, { apiVersion: 'v1', kind: 'List', metadata: {}, items: [{ metadata: { name: 'a' } }] }),
    );
    expect((await dyn.resource(FOOS).list()).items).toEqual([{ metadata: { name: 'a' } }]);
  });
});

describe('DynamicClient patch and apply', () => {
  it.each([
    ['JSON patch', PatchType.JSON, [{ op: 'replace', path: '/spec/replicas', value: 3 }]],
    ['merge patch', PatchType.Merge, { spec: { replicas: 3 } }],
    ['strategic merge patch', PatchType.StrategicMerge, { metadata: { labels: { a: 'b' } } }],
  ])('%s: content type and JSON body', async (_n, patchType, data) => {
    const { dyn, last } = await setup((_r, res) => json(res, 200, FOO));
    expect(await dyn.resource(FOOS).namespace('ns').patch('example', patchType, data, { fieldManager: 'me' })).toEqual(
      FOO,
    );
    const req = last();
    expect(req.method).toBe('PATCH');
    expect(req.path).toBe('/apis/samplecontroller.k8s.io/v1alpha1/namespaces/ns/foos/example');
    expect(req.headers['content-type']).toBe(patchType);
    expect(JSON.parse(req.body)).toEqual(data);
    expect(req.query).toEqual({ fieldManager: 'me' });
  });

  it('sends a string patch unchanged', async () => {
    const { dyn, last } = await setup();
    await dyn.resource(FOOS).namespace('ns').patch('example', PatchType.Merge, '{"spec":{"replicas":4}}');
    expect(last().body).toBe('{"spec":{"replicas":4}}');
  });

  it.each([
    ['apply', (c: DynamicResourceClient) => c.apply(FOO, { fieldManager: 'ctl', force: true }), ''],
    ['applyStatus', (c: DynamicResourceClient) => c.applyStatus(FOO, { fieldManager: 'ctl', force: true }), '/status'],
  ])('%s: server-side apply patch with fieldManager and force', async (_n, call, suffix) => {
    const { dyn, last } = await setup((_r, res) => json(res, 200, FOO));
    await call(dyn.resource(FOOS).namespace('ns'));
    const req = last();
    expect(req.method).toBe('PATCH');
    expect(req.path).toBe(`/apis/samplecontroller.k8s.io/v1alpha1/namespaces/ns/foos/example${suffix}`);
    expect(req.headers['content-type']).toBe('application/apply-patch+yaml');
    expect(JSON.parse(req.body)).toEqual(FOO);
    expect(req.query).toEqual({ fieldManager: 'ctl', force: 'true' });
  });

  it.each([
    ['no fieldManager', { fieldManager: '' }, FOO, /fieldManager is required/],
    // as an untyped caller could send it
    ['no metadata.name', { fieldManager: 'ctl' }, { ...FOO, metadata: {} } as unknown as typeof FOO, /metadata\.name/],
  ])('apply refuses %s without a request', async (_n, options, obj, message) => {
    const { dyn, requests } = await setup();
    await expect(dyn.resource(FOOS).namespace('ns').apply(obj, options)).rejects.toThrow(message);
    expect(requests).toHaveLength(0);
  });
});

describe('DynamicClient watch', () => {
  it('watches with watch=true and the list options, yielding unstructured objects', async () => {
    const { dyn, last } = await setup((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: FOO })}\n`);
      res.write(`${JSON.stringify({ type: 'MODIFIED', object: { ...FOO, spec: { replicas: 2 } } })}\n`);
      res.end(`${JSON.stringify({ type: 'DELETED', object: FOO })}\n`);
    });
    const w = await dyn
      .resource(FOOS)
      .namespace('ns')
      .watch({ resourceVersion: '10', labelSelector: 'app=web', allowWatchBookmarks: true, timeoutSeconds: 30 });
    const seen: Array<[string, unknown]> = [];
    for await (const ev of w) seen.push([ev.type, ev.object.spec]);
    expect(seen).toEqual([
      ['ADDED', FOO.spec],
      ['MODIFIED', { replicas: 2 }],
      ['DELETED', FOO.spec],
    ]);
    const req = last();
    expect(req.path).toBe('/apis/samplecontroller.k8s.io/v1alpha1/namespaces/ns/foos');
    expect(req.query).toEqual({
      resourceVersion: '10',
      labelSelector: 'app=web',
      allowWatchBookmarks: 'true',
      timeoutSeconds: '30',
      watch: 'true',
    });
  });

  it('watches across namespaces on the cluster-wide client', async () => {
    const { dyn, last } = await setup((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end();
    });
    const w = await dyn.resource(DEPLOYMENTS).watch();
    for await (const _ of w) {
      // no events
    }
    expect(last().path).toBe('/apis/apps/v1/deployments');
    expect(last().query).toEqual({ watch: 'true' });
  });
});
