// The generic ResourceClient every typed client wraps: the URL, verb, body, Content-Type and query
// of each call as client-go's typed clients send them, typed StatusErrors, AbortSignal, and the
// shape of ApplyConfiguration.
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { isConflict, isForbidden, isInvalid, isNotFound, StatusError } from '../../../src/apimachinery/errors.js';
import { type KubeList, type KubeObject, PatchType, type Status } from '../../../src/apimachinery/meta.js';
import {
  type ApplyConfiguration,
  type DeepPartial,
  ResourceClient,
  type ResourceDescriptor,
} from '../../../src/client/index.js';
import type { Request } from '../../../src/rest/request.js';
import {
  RequestAbortedError,
  RequestConstructionError,
  type RESTClient,
  restClientFor,
} from '../../../src/rest/index.js';
import { json, type Recorded, startFakeServer } from '../../support/fake-server.js';
import { rejection } from '../../support/caught.js';

interface Widget extends KubeObject {
  spec?: { size?: number; ports?: { name?: string; port: number }[] };
  status?: { ready?: boolean };
}
type Handler = Parameters<typeof startFakeServer>[0];

/** Answers every call with 200 and the JSON it was sent (or `{}`), like a server that accepted it. */
const echo: Handler = (req, res) => json(res, 200, req.body.startsWith('{') ? JSON.parse(req.body) : {});

let server: Awaited<ReturnType<typeof startFakeServer>>;
let handler: Handler = echo;
let apps: RESTClient;
let core: RESTClient;
let example: RESTClient;

beforeAll(async () => {
  server = await startFakeServer((req, res, i) => handler(req, res, i));
  const gv = (group: string, version: string) =>
    restClientFor({ host: server.url, groupVersion: { group, version }, qps: -1 });
  apps = gv('apps', 'v1');
  core = gv('', 'v1');
  example = gv('example.com', 'v1alpha1');
});
afterAll(() => server.close());
beforeEach(() => {
  handler = echo;
  server.requests.length = 0;
});

const deploymentsDesc: ResourceDescriptor = {
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  kind: 'Deployment',
  namespaced: true,
};
const deployments = (ns = 'ns1') => new ResourceClient<Widget>(apps, deploymentsDesc, ns);
const configMaps = (ns = 'ns1') =>
  new ResourceClient<Widget>(
    core,
    { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true },
    ns,
  );
const pods = () =>
  new ResourceClient<Widget>(
    core,
    { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
    'ns1',
  );
// A cluster-scoped resource ignores the namespace it is given.
const nodes = () =>
  new ResourceClient<Widget>(
    core,
    { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false },
    'ns1',
  );
const widgets = () =>
  new ResourceClient<Widget>(
    example,
    { group: 'example.com', version: 'v1alpha1', resource: 'widgets', kind: 'Widget', namespaced: true },
    'ns1',
  );

const web: Widget = { metadata: { name: 'web', resourceVersion: '7' }, spec: { size: 2 } };

/** The only request the server saw. */
function only(): Recorded & { path: string; query: [string, string][] } {
  expect(server.requests).toHaveLength(1);
  const r = server.requests[0]!;
  const u = new URL(r.url, server.url);
  return { ...r, path: u.pathname, query: [...u.searchParams.entries()] };
}

describe('request line', () => {
  const A = '/apis/apps/v1/namespaces/ns1/deployments';
  it.each<[string, () => Promise<unknown>, string, string]>([
    ['get (named group, namespaced)', () => deployments().get('web'), 'GET', `${A}/web`],
    ['list in a namespace', () => deployments().list(), 'GET', A],
    ['list across all namespaces', () => deployments('').list(), 'GET', '/apis/apps/v1/deployments'],
    ['get (core group)', () => configMaps().get('cm'), 'GET', '/api/v1/namespaces/ns1/configmaps/cm'],
    ['get (custom group)', () => widgets().get('w'), 'GET', '/apis/example.com/v1alpha1/namespaces/ns1/widgets/w'],
    ['get (cluster-scoped ignores the namespace)', () => nodes().get('n1'), 'GET', '/api/v1/nodes/n1'],
    ['list (cluster-scoped)', () => nodes().list(), 'GET', '/api/v1/nodes'],
    ['create', () => deployments().create(web), 'POST', A],
    ['create (cluster-scoped)', () => nodes().create({ metadata: { name: 'n1' } }), 'POST', '/api/v1/nodes'],
    ['update', () => deployments().update(web), 'PUT', `${A}/web`],
    ['updateStatus', () => deployments().updateStatus(web), 'PUT', `${A}/web/status`],
    ['patch', () => deployments().patch('web', PatchType.Merge, {}), 'PATCH', `${A}/web`],
    [
      'patch of a subresource',
      () => deployments().patch('web', PatchType.Merge, {}, {}, 'status'),
      'PATCH',
      `${A}/web/status`,
    ],
    [
      'apply',
      () =>
        deployments().apply(
          { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } },
          { fieldManager: 'm' },
        ),
      'PATCH',
      `${A}/web`,
    ],
    [
      'applyStatus',
      () =>
        deployments().applyStatus(
          { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } },
          { fieldManager: 'm' },
        ),
      'PATCH',
      `${A}/web/status`,
    ],
    ['delete', () => deployments().delete('web'), 'DELETE', `${A}/web`],
    ['deleteCollection', () => deployments().deleteCollection(), 'DELETE', A],
    ['get scale', () => deployments().getSubresource('web', 'scale'), 'GET', `${A}/web/scale`],
    [
      'update scale',
      () => deployments().updateSubresource('web', 'scale', { spec: { replicas: 3 } }),
      'PUT',
      `${A}/web/scale`,
    ],
    [
      'create a custom subresource',
      () => pods().createSubresource('p', 'eviction', {}),
      'POST',
      '/api/v1/namespaces/ns1/pods/p/eviction',
    ],
    ['raw subresource', () => pods().getSubresourceRaw('p', 'log'), 'GET', '/api/v1/namespaces/ns1/pods/p/log'],
  ])('%s', async (_name, call, method, path) => {
    await call();
    const r = only();
    expect([r.method, r.path]).toEqual([method, path]);
  });

  it('watch is a GET of the collection with watch=true', async () => {
    handler = (_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end();
    };
    const w = await deployments().watch();
    for await (const _ of w) {
      /* drain */
    }
    const r = only();
    expect([r.method, r.path, r.query]).toEqual([
      'GET',
      '/apis/apps/v1/namespaces/ns1/deployments',
      [['watch', 'true']],
    ]);
  });
});

describe('bodies', () => {
  it.each<[string, () => ResourceClient<Widget>, string]>([
    ['named group', deployments, 'apps/v1'],
    ['core group', configMaps, 'v1'],
    ['custom group', widgets, 'example.com/v1alpha1'],
  ])('create fills apiVersion and kind from the descriptor (%s) and sends JSON', async (_n, client, apiVersion) => {
    const c = client();
    const obj: Widget = { metadata: { name: 'x' }, spec: { size: 1 } };
    const created = await c.create(obj);
    const r = only();
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body)).toEqual({
      apiVersion,
      kind: c.descriptor.kind,
      metadata: { name: 'x' },
      spec: { size: 1 },
    });
    expect(created).toEqual(JSON.parse(r.body));
    // The caller's object is left alone, and no namespace is written into it (the URL carries it).
    expect(obj).toEqual({ metadata: { name: 'x' }, spec: { size: 1 } });
  });

  it('keeps the apiVersion and kind the caller set', async () => {
    await widgets().create({ apiVersion: 'example.com/v1beta1', kind: 'Gadget', metadata: { name: 'x' } });
    expect(JSON.parse(only().body)).toMatchObject({ apiVersion: 'example.com/v1beta1', kind: 'Gadget' });
  });

  it('treats empty apiVersion and kind as missing, as Go does with zero values', async () => {
    await configMaps().update({ apiVersion: '', kind: '', metadata: { name: 'cm' } });
    expect(JSON.parse(only().body)).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
  });

  it('leaves bodies alone when the descriptor has no kind (dynamic and metadata clients)', async () => {
    const c = new ResourceClient<Widget>(core, { ...configMaps().descriptor, kind: '' }, 'ns1');
    await c.create({ metadata: { name: 'x' } });
    expect(JSON.parse(only().body)).toEqual({ metadata: { name: 'x' } });
  });

  it.each([
    ['update', (o: Widget) => deployments().update(o)],
    ['updateStatus', (o: Widget) => deployments().updateStatus(o)],
  ])('%s sends the whole object, resourceVersion included, to its metadata.name', async (_n, call) => {
    const obj: Widget = { ...web, status: { ready: true } };
    await call(obj);
    expect(JSON.parse(only().body)).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', ...obj });
  });

  it.each([
    ['update', () => deployments().update({ spec: {} })],
    ['updateStatus', () => deployments().updateStatus({ metadata: {} })],
  ])('%s of an object without metadata.name rejects before sending', async (_n, call) => {
    expect(await rejection(call())).toBeInstanceOf(RequestConstructionError);
    expect(server.requests).toHaveLength(0);
  });

  it('subresource bodies are sent as given and the answer is returned', async () => {
    const scale = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas: 3 } };
    expect(await deployments().updateSubresource('web', 'scale', scale)).toEqual(scale);
    expect(JSON.parse(only().body)).toEqual(scale);
  });

  it('createSubresource posts the body (eviction)', async () => {
    const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p', namespace: 'ns1' } };
    await pods().createSubresource('p', 'eviction', eviction, { dryRun: ['All'] });
    const r = only();
    expect(JSON.parse(r.body)).toEqual(eviction);
    expect(r.query).toEqual([['dryRun', 'All']]);
  });

  it('getSubresourceRaw resolves with the bytes and encodes its options', async () => {
    handler = (_r, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('line 1\nline 2\n');
    };
    const out = await pods().getSubresourceRaw('p', 'log', { container: 'c', tailLines: 2, previous: true });
    expect(Buffer.isBuffer(out)).toBe(true);
    expect(out.toString()).toBe('line 1\nline 2\n');
    expect(only().query).toEqual([
      ['container', 'c'],
      ['tailLines', '2'],
      ['previous', 'true'],
    ]);
  });

  it('get and list return the decoded answer', async () => {
    handler = (r, res) =>
      json(
        res,
        200,
        r.url.includes('/web') ? web : { kind: 'DeploymentList', metadata: { continue: 'c2' }, items: [web] },
      );
    expect(await deployments().get('web')).toEqual(web);
    const list: KubeList<Widget> = await deployments().list();
    expect(list).toEqual({ kind: 'DeploymentList', metadata: { continue: 'c2' }, items: [web] });
  });

  it('list goes through forList, the hook the metadata client sets its Accept header in', async () => {
    class Accepting extends ResourceClient<Widget> {
      protected override forList(r: Request): Request {
        return r.setHeader('accept', 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
      }
    }
    const c = new Accepting(apps, deploymentsDesc, 'ns1');
    await c.list();
    expect(only().headers.accept).toBe('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
    server.requests.length = 0;
    await c.get('web');
    expect(only().headers.accept).toBe('application/json');
  });
});

describe('list and watch options as query parameters', () => {
  it.each<[string, Record<string, unknown>, [string, string][]]>([
    [
      'labelSelector',
      { labelSelector: 'app=web,tier in (a,b),!canary' },
      [['labelSelector', 'app=web,tier in (a,b),!canary']],
    ],
    [
      'fieldSelector',
      { fieldSelector: 'metadata.name=web,status.phase!=Running' },
      [['fieldSelector', 'metadata.name=web,status.phase!=Running']],
    ],
    ['limit', { limit: 500 }, [['limit', '500']]],
    ['limit 0 (no limit) is left out', { limit: 0 }, []],
    ['continue', { continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ' }, [['continue', 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ']]],
    ['resourceVersion "0" (any) is kept', { resourceVersion: '0' }, [['resourceVersion', '0']]],
    [
      'resourceVersionMatch',
      { resourceVersion: '42', resourceVersionMatch: 'NotOlderThan' },
      [
        ['resourceVersion', '42'],
        ['resourceVersionMatch', 'NotOlderThan'],
      ],
    ],
    ['allowWatchBookmarks', { allowWatchBookmarks: true }, [['allowWatchBookmarks', 'true']]],
    ['empty strings are left out', { labelSelector: '', fieldSelector: '', resourceVersion: '', continue: '' }, []],
  ])('list: %s', async (_n, options, query) => {
    await deployments().list(options);
    expect(only().query).toEqual(query);
  });

  it('list with timeoutSeconds also bounds the call with a matching timeout, as client-go does', async () => {
    await deployments().list({ timeoutSeconds: 30 });
    expect(only().query).toEqual([
      ['timeoutSeconds', '30'],
      ['timeout', '30s'],
    ]);
  });

  it('watch encodes every list option next to watch=true', async () => {
    handler = (_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end();
    };
    const w = await configMaps().watch({
      labelSelector: 'app=web',
      fieldSelector: 'metadata.name=cm',
      resourceVersion: '100',
      resourceVersionMatch: 'NotOlderThan',
      timeoutSeconds: 300,
      allowWatchBookmarks: true,
    });
    w.stop();
    expect(only().query).toEqual([
      ['labelSelector', 'app=web'],
      ['fieldSelector', 'metadata.name=cm'],
      ['resourceVersion', '100'],
      ['resourceVersionMatch', 'NotOlderThan'],
      ['timeoutSeconds', '300'],
      ['allowWatchBookmarks', 'true'],
      ['watch', 'true'],
    ]);
  });

  it('watch yields typed events until the server ends the stream', async () => {
    handler = (_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: web })}\n`);
      res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '9' } } })}\n`);
      res.end(`${JSON.stringify({ type: 'DELETED', object: web })}\n`);
    };
    const events: [string, string | undefined][] = [];
    for await (const ev of await deployments().watch({ allowWatchBookmarks: true })) {
      events.push([ev.type, ev.object.metadata?.resourceVersion]);
    }
    expect(events).toEqual([
      ['ADDED', '7'],
      ['BOOKMARK', '9'],
      ['DELETED', '7'],
    ]);
  });

  it('get sends resourceVersion', async () => {
    await deployments().get('web', { resourceVersion: '0' });
    expect(only().query).toEqual([['resourceVersion', '0']]);
  });
});

describe('create, update and patch options', () => {
  const opts = { dryRun: ['All'], fieldManager: 'my-controller', fieldValidation: 'Strict' };
  const expected = [
    ['dryRun', 'All'],
    ['fieldManager', 'my-controller'],
    ['fieldValidation', 'Strict'],
  ];
  it.each<[string, () => Promise<unknown>]>([
    ['create', () => deployments().create(web, opts)],
    ['update', () => deployments().update(web, opts)],
    ['updateStatus', () => deployments().updateStatus(web, opts)],
    ['patch', () => deployments().patch('web', PatchType.Merge, {}, opts)],
    ['updateSubresource', () => deployments().updateSubresource('web', 'scale', {}, opts)],
  ])('%s encodes dryRun, fieldManager and fieldValidation', async (_n, call) => {
    await call();
    expect(only().query).toEqual(expected);
  });

  it('no options, no query', async () => {
    await deployments().create(web);
    expect(only().url).toBe('/apis/apps/v1/namespaces/ns1/deployments');
  });
});

describe('patch', () => {
  it.each<[string, PatchType, unknown, string]>([
    ['JSON patch', PatchType.JSON, [{ op: 'replace', path: '/spec/size', value: 3 }], 'application/json-patch+json'],
    ['merge patch', PatchType.Merge, { spec: { size: 3 } }, 'application/merge-patch+json'],
    [
      'strategic merge patch',
      PatchType.StrategicMerge,
      { spec: { size: 3 } },
      'application/strategic-merge-patch+json',
    ],
    [
      'apply patch',
      PatchType.Apply,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } },
      'application/apply-patch+yaml',
    ],
  ])('%s: Content-Type and JSON body', async (_n, type, data, contentType) => {
    await deployments().patch('web', type, data);
    const r = only();
    expect(r.headers['content-type']).toBe(contentType);
    expect(JSON.parse(r.body)).toEqual(data);
  });

  it.each<[string, string | Uint8Array]>([
    ['a string', '{"spec":{"size":4}}'],
    ['bytes', new TextEncoder().encode('{"spec":{"size":4}}')],
  ])('sends patch data given as %s verbatim', async (_n, data) => {
    await deployments().patch('web', PatchType.Merge, data);
    expect(only().body).toBe('{"spec":{"size":4}}');
  });

  it('apply patch through patch() carries fieldManager and force', async () => {
    await deployments().patch('web', PatchType.Apply, 'kind: Deployment', { fieldManager: 'm', force: true });
    const r = only();
    expect(r.body).toBe('kind: Deployment');
    expect(r.query).toEqual([
      ['fieldManager', 'm'],
      ['force', 'true'],
    ]);
  });

  it('resolves with the object the server returns', async () => {
    handler = (_r, res) => json(res, 200, web);
    expect(await deployments().patch('web', PatchType.Merge, { spec: { size: 2 } })).toEqual(web);
  });
});

describe('server-side apply', () => {
  const cfg: ApplyConfiguration<Widget> = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns1' },
    spec: { size: 3 },
  };

  it.each<[string, () => Promise<unknown>, string]>([
    ['apply', () => deployments().apply(cfg, { fieldManager: 'me', force: true, dryRun: ['All'] }), '/web'],
    [
      'applyStatus',
      () => deployments().applyStatus(cfg, { fieldManager: 'me', force: true, dryRun: ['All'] }),
      '/web/status',
    ],
  ])(
    '%s: PATCH with apply-patch+yaml, fieldManager and force as query, the configuration as body',
    async (_n, call, suffix) => {
      await call();
      const r = only();
      expect(r.method).toBe('PATCH');
      expect(r.path).toBe(`/apis/apps/v1/namespaces/ns1/deployments${suffix}`);
      expect(r.headers['content-type']).toBe('application/apply-patch+yaml');
      expect(r.query).toEqual([
        ['fieldManager', 'me'],
        ['force', 'true'],
        ['dryRun', 'All'],
      ]);
      expect(JSON.parse(r.body)).toEqual(cfg);
    },
  );

  it('without force, no force parameter is sent (the server default is false)', async () => {
    await deployments().apply(cfg, { fieldManager: 'me' });
    expect(only().query).toEqual([['fieldManager', 'me']]);
  });

  it('fills apiVersion and kind left empty', async () => {
    await configMaps().apply({ apiVersion: '', kind: '', metadata: { name: 'cm' } }, { fieldManager: 'me' });
    expect(JSON.parse(only().body)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
  });

  it.each<[string, () => Promise<unknown>, RegExp]>([
    ['no fieldManager', () => deployments().apply(cfg, { fieldManager: '' }), /fieldManager/],
    ['no options', () => deployments().apply(cfg, undefined as never), /fieldManager/],
    [
      'no metadata.name',
      () => deployments().apply({ ...cfg, metadata: { name: '' } }, { fieldManager: 'me' }),
      /metadata\.name/,
    ],
    [
      'status without a name',
      () => deployments().applyStatus({ ...cfg, metadata: { name: '' } }, { fieldManager: 'me' }),
      /metadata\.name/,
    ],
  ])('rejects before sending: %s', async (_n, call, message) => {
    const err = await rejection(call());
    expect((err as Error).message).toMatch(message);
    expect(server.requests).toHaveLength(0);
  });
});

describe('delete', () => {
  it('sends DeleteOptions as a meta.k8s.io/v1 body, dryRun included, and nothing in the query', async () => {
    await deployments().delete('web', {
      propagationPolicy: 'Foreground',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'u-1', resourceVersion: '7' },
      dryRun: ['All'],
    });
    const r = only();
    expect(r.query).toEqual([]);
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body)).toEqual({
      apiVersion: 'meta.k8s.io/v1',
      kind: 'DeleteOptions',
      propagationPolicy: 'Foreground',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'u-1', resourceVersion: '7' },
      dryRun: ['All'],
    });
  });

  it('without options sends no body (the server applies the defaults)', async () => {
    await deployments().delete('web');
    expect(only().body).toBe('');
  });

  it.each<[string, unknown]>([
    [
      'the object (deletion pending)',
      { ...web, metadata: { ...web.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } },
    ],
    [
      'a Success Status',
      { kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name: 'web', kind: 'deployments' } },
    ],
  ])('resolves with what the server returned: %s', async (_n, answer) => {
    handler = (_r, res) => json(res, 200, answer);
    expect(await deployments().delete('web')).toEqual(answer);
  });

  it('deleteCollection: list options in the query, DeleteOptions in the body', async () => {
    handler = (_r, res) => json(res, 200, { kind: 'DeploymentList', items: [] });
    const out = await deployments().deleteCollection(
      { propagationPolicy: 'Background', gracePeriodSeconds: 5 },
      { labelSelector: 'app=web', fieldSelector: 'metadata.name!=keep', limit: 0 },
    );
    expect(out).toEqual({ kind: 'DeploymentList', items: [] });
    const r = only();
    expect(r.query).toEqual([
      ['labelSelector', 'app=web'],
      ['fieldSelector', 'metadata.name!=keep'],
    ]);
    expect(JSON.parse(r.body)).toEqual({
      apiVersion: 'meta.k8s.io/v1',
      kind: 'DeleteOptions',
      propagationPolicy: 'Background',
      gracePeriodSeconds: 5,
    });
  });

  it('deleteCollection with timeoutSeconds also bounds the call, as client-go does', async () => {
    await deployments().deleteCollection(undefined, { timeoutSeconds: 10 });
    const r = only();
    expect(r.query).toEqual([
      ['timeoutSeconds', '10'],
      ['timeout', '10s'],
    ]);
    expect(r.body).toBe('');
  });
});

describe('names that would change the path', () => {
  // client-go's Request.Name and Namespace refuse these before sending: an empty name turns a
  // call on one object into one on the whole collection, '..' climbs out of the resource.
  it.each<[string, () => Promise<unknown>]>([
    ['get("")', () => deployments().get('')],
    ['delete("")', () => deployments().delete('')],
    ['patch("")', () => deployments().patch('', PatchType.Merge, {})],
    ['getSubresource("")', () => deployments().getSubresource('', 'scale')],
    ['delete("..")', () => deployments().delete('..')],
    ['get(".")', () => deployments().get('.')],
    ['get("a/b")', () => deployments().get('a/b')],
    ['get("a%2Fb")', () => deployments().get('a%2Fb')],
    ['update of a name ".."', () => deployments().update({ metadata: { name: '..' } })],
    [
      'apply of a name ".."',
      () =>
        deployments().apply(
          { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: '..' } },
          { fieldManager: 'm' },
        ),
    ],
    ['list in namespace ".."', () => deployments('..').list()],
    ['watch in namespace "a/b"', () => deployments('a/b').watch()],
  ])('%s rejects without a request', async (_n, call) => {
    expect(await rejection(call())).toBeInstanceOf(RequestConstructionError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('errors', () => {
  /** A failure Status as the apiserver sends it. */
  const failure = (code: number, reason: string, message: string, details: Status['details']): Status => ({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    message,
    reason,
    details,
    code,
  });
  const webDetails = { name: 'web', group: 'apps', kind: 'deployments' };
  const notFound = failure(404, 'NotFound', 'deployments.apps "web" not found', webDetails);
  const conflict = failure(
    409,
    'Conflict',
    'Operation cannot be fulfilled on deployments.apps "web": the object has been modified',
    webDetails,
  );
  const invalid = failure(422, 'Invalid', 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1', {
    name: 'web',
    group: 'apps',
    kind: 'Deployment',
    causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1', field: 'spec.replicas' }],
  });
  const forbidden = failure(
    403,
    'Forbidden',
    'deployments.apps is forbidden: User "jane" cannot list resource "deployments"',
    { group: 'apps', kind: 'deployments' },
  );
  it.each<[string, Status, () => Promise<unknown>, (e: unknown) => boolean]>([
    ['get: 404 NotFound', notFound, () => deployments().get('web'), isNotFound],
    ['update: 409 Conflict', conflict, () => deployments().update(web), isConflict],
    ['create: 422 Invalid with causes', invalid, () => deployments().create(web), isInvalid],
    ['list: 403 Forbidden', forbidden, () => deployments().list(), isForbidden],
    ['watch: 403 Forbidden', forbidden, () => deployments().watch(), isForbidden],
    ['patch: 404 NotFound', notFound, () => deployments().patch('web', PatchType.Merge, {}), isNotFound],
    [
      'apply: 409 Conflict',
      conflict,
      () =>
        deployments().apply(
          { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } },
          { fieldManager: 'm' },
        ),
      isConflict,
    ],
    ['delete: 404 NotFound', notFound, () => deployments().delete('web'), isNotFound],
    ['getSubresource: 404 NotFound', notFound, () => deployments().getSubresource('web', 'scale'), isNotFound],
  ])('%s becomes a StatusError carrying the server Status', async (_n, status, call, predicate) => {
    handler = (_r, res) => json(res, status.code!, status);
    const err = await rejection(call());
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).status).toEqual(status);
    expect((err as StatusError).code).toBe(status.code);
    expect((err as StatusError).message).toBe(status.message);
    expect(predicate(err)).toBe(true);
  });
});

describe('AbortSignal', () => {
  const hang: Handler = () => {
    /* never answers */
  };

  it.each<[string, (signal: AbortSignal) => Promise<unknown>]>([
    ['get', (signal) => deployments().get('web', { signal })],
    ['list', (signal) => deployments().list({ signal, limit: 10 })],
    ['create', (signal) => deployments().create(web, { signal })],
    ['patch', (signal) => deployments().patch('web', PatchType.Merge, {}, { signal })],
    ['delete', (signal) => deployments().delete('web', { signal })],
  ])('%s: aborting rejects with RequestAbortedError; the signal is no query parameter', async (_n, call) => {
    handler = hang;
    const ac = new AbortController();
    const p = rejection(call(ac.signal));
    await expect.poll(() => server.requests.length).toBe(1);
    ac.abort(new Error('stop'));
    expect(await p).toBeInstanceOf(RequestAbortedError);
    expect(only().query.map(([k]) => k)).not.toContain('signal');
  });

  it('delete with only a signal sends no DeleteOptions body', async () => {
    await deployments().delete('web', { signal: new AbortController().signal });
    expect(only().body).toBe('');
  });

  it('an already aborted signal rejects', async () => {
    handler = hang;
    expect(await rejection(deployments().get('web', { signal: AbortSignal.abort() }))).toBeInstanceOf(Error);
  });

  it('aborting ends a running watch', async () => {
    handler = (_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: web })}\n`);
    };
    const ac = new AbortController();
    const w = await deployments().watch({ signal: ac.signal });
    const types: string[] = [];
    for await (const ev of w) {
      types.push(ev.type);
      ac.abort();
    }
    expect(types).toEqual(['ADDED']);
    expect(only().query).toEqual([['watch', 'true']]);
  });
});

describe('ApplyConfiguration and DeepPartial', () => {
  it('requires identity and makes every other field optional, recursively', () => {
    const cfg: ApplyConfiguration<Widget> = {
      apiVersion: 'example.com/v1alpha1',
      kind: 'Widget',
      metadata: { name: 'w', labels: { a: '1' } },
      spec: { ports: [{ name: 'http' }] },
    };
    expect(cfg.metadata.name).toBe('w');
    // @ts-expect-error metadata.name is required
    const noName: ApplyConfiguration<Widget> = { apiVersion: 'v1', kind: 'Widget', metadata: {} };
    // @ts-expect-error kind is required
    const noKind: ApplyConfiguration<Widget> = { apiVersion: 'v1', metadata: { name: 'w' } };
    const wrongType: ApplyConfiguration<Widget> = {
      apiVersion: 'v1',
      kind: 'W',
      metadata: { name: 'w' },
      // @ts-expect-error fields keep their types
      spec: { size: '3' },
    };
    expect([noName, noKind, wrongType]).toHaveLength(3);
    expectTypeOf<DeepPartial<{ a: { b: number; c: string[] }[]; d: string }>>().toEqualTypeOf<{
      a?: { b?: number; c?: string[] }[];
      d?: string;
    }>();
  });
});
