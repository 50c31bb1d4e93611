// MetadataClient against a scripted apiserver: the Accept headers asking for PartialObjectMetadata
// (gets, watches, patches) and PartialObjectMetadataList (lists) as client-go does, URLs, and
// client-go's fallback when the server answers plain JSON: metadata only.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isNotFound } from '../../../src/apimachinery/errors.js';
import { PatchType } from '../../../src/apimachinery/meta.js';
import type { GroupVersionResource } from '../../../src/apimachinery/schema.js';
import {
  METADATA_ACCEPT,
  METADATA_LIST_ACCEPT,
  MetadataClient,
  MetadataResource,
  MetadataResourceClient,
  type PartialObjectMetadata,
} from '../../../src/metadata/index.js';
import { json, type Recorded, startFakeServer } from '../../support/fake-server.js';

const SECRETS: GroupVersionResource = { group: '', version: 'v1', resource: 'secrets' };
const DEPLOYMENTS: GroupVersionResource = { group: 'apps', version: 'v1', resource: 'deployments' };
const NAMESPACES: GroupVersionResource = { group: '', version: 'v1', resource: 'namespaces' };

const META = {
  name: 's1',
  namespace: 'ns',
  uid: 'u1',
  resourceVersion: '5',
  creationTimestamp: '2021-01-01T00:00:00Z',
  labels: { a: 'b' },
};
/** What the apiserver answers when it honours `as=PartialObjectMetadata`. */
const PARTIAL = { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: META };
const PARTIAL_LIST = {
  apiVersion: 'meta.k8s.io/v1',
  kind: 'PartialObjectMetadataList',
  metadata: { resourceVersion: '9' },
  items: [PARTIAL],
};
/** What a server that ignores `as=` answers: the whole object. */
const SECRET = { apiVersion: 'v1', kind: 'Secret', metadata: META, type: 'Opaque', data: { password: 'aHVudGVyMg==' } };

let closeServer: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeServer?.();
  closeServer = undefined;
});

async function setup(answer: (req: Recorded, res: ServerResponse) => void) {
  const server = await startFakeServer(answer);
  closeServer = server.close;
  const md = MetadataClient.forConfig({ host: server.url, qps: -1, userAgent: 'md-test/1' });
  const last = () => {
    const r = server.requests.at(-1)!;
    const url = new URL(r.url, server.url);
    return { ...r, path: url.pathname, query: Object.fromEntries(url.searchParams) };
  };
  return { md, requests: server.requests, last };
}

/** Answers like kube-apiserver: PartialObjectMetadata(List) when asked for it. */
const honouring = (req: Recorded, res: ServerResponse) => {
  const accept = String(req.headers.accept);
  if (accept.startsWith('application/json;as=PartialObjectMetadataList;')) return json(res, 200, PARTIAL_LIST);
  if (accept.startsWith('application/json;as=PartialObjectMetadata;')) return json(res, 200, PARTIAL);
  json(res, 200, SECRET);
};

describe('MetadataClient Accept headers', () => {
  it('asks for PartialObjectMetadata (JSON, then plain JSON as a fallback) as client-go does', () => {
    expect(METADATA_ACCEPT).toBe('application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json');
    expect(METADATA_LIST_ACCEPT).toBe(
      'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json',
    );
  });

  it.each<[string, (c: MetadataResourceClient) => Promise<unknown>, string, string, string]>([
    ['get', (c) => c.get('s1'), 'GET', '/api/v1/namespaces/ns/secrets/s1', METADATA_ACCEPT],
    ['list', (c) => c.list(), 'GET', '/api/v1/namespaces/ns/secrets', METADATA_LIST_ACCEPT],
    [
      'patch',
      (c) => c.patch('s1', PatchType.Merge, { metadata: { labels: { c: 'd' } } }),
      'PATCH',
      '/api/v1/namespaces/ns/secrets/s1',
      METADATA_ACCEPT,
    ],
    ['delete', (c) => c.delete('s1'), 'DELETE', '/api/v1/namespaces/ns/secrets/s1', METADATA_ACCEPT],
  ])('%s sends the %s request with its Accept header', async (_n, call, method, path, accept) => {
    const { md, last } = await setup(honouring);
    await call(md.resource(SECRETS).namespace('ns'));
    const req = last();
    expect([req.method, req.path, req.headers.accept]).toEqual([method, path, accept]);
    expect(req.headers['user-agent']).toBe('md-test/1');
  });

  it('watches with the PartialObjectMetadata Accept header (not the list one), as client-go does', async () => {
    const { md, last } = await setup((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: PARTIAL })}\n`);
      res.end(`${JSON.stringify({ type: 'DELETED', object: PARTIAL })}\n`);
    });
    const w = await md.resource(SECRETS).namespace('ns').watch({ resourceVersion: '9', labelSelector: 'a=b' });
    const seen: string[] = [];
    for await (const ev of w) seen.push(`${ev.type} ${ev.object.kind} ${ev.object.metadata?.name}`);
    expect(seen).toEqual(['ADDED PartialObjectMetadata s1', 'DELETED PartialObjectMetadata s1']);
    const req = last();
    expect(req.headers.accept).toBe(METADATA_ACCEPT);
    expect(req.path).toBe('/api/v1/namespaces/ns/secrets');
    expect(req.query).toEqual({ resourceVersion: '9', labelSelector: 'a=b', watch: 'true' });
  });
});

describe('MetadataClient URLs and results', () => {
  it.each<[string, GroupVersionResource, string | undefined, string]>([
    ['core, in a namespace', SECRETS, 'ns', '/api/v1/namespaces/ns/secrets'],
    ['core, across namespaces', SECRETS, undefined, '/api/v1/secrets'],
    ['named group, in a namespace', DEPLOYMENTS, 'ns', '/apis/apps/v1/namespaces/ns/deployments'],
    ['named group, across namespaces', DEPLOYMENTS, undefined, '/apis/apps/v1/deployments'],
    ['cluster-scoped', NAMESPACES, undefined, '/api/v1/namespaces'],
  ])('lists %s', async (_n, gvr, ns, path) => {
    const { md, last } = await setup(honouring);
    const r = md.resource(gvr);
    await (ns === undefined ? r : r.namespace(ns)).list({ limit: 10 });
    expect(last().path).toBe(path);
    expect(last().query).toEqual({ limit: '10' });
  });

  it('returns PartialObjectMetadata and PartialObjectMetadataList as the server sent them', async () => {
    const { md } = await setup(honouring);
    const secrets = md.resource(SECRETS).namespace('ns');
    expect(await secrets.get('s1')).toEqual(PARTIAL);
    expect(await secrets.list()).toEqual(PARTIAL_LIST);
    expect(await secrets.patch('s1', PatchType.JSON, [{ op: 'add', path: '/metadata/labels/c', value: 'd' }])).toEqual(
      PARTIAL,
    );
  });

  it('builds metadata resources sharing one rate limiter; namespace() gives a namespaced client', () => {
    const md = MetadataClient.forConfig({ host: 'http://127.0.0.1:1', qps: 5 });
    const secrets = md.resource(SECRETS);
    expect(secrets).toBeInstanceOf(MetadataResource);
    expect(secrets.descriptor).toEqual({ ...SECRETS, kind: '', namespaced: false });
    const inNs = secrets.namespace('ns');
    expect(inNs).toBeInstanceOf(MetadataResourceClient);
    expect(inNs.descriptor.namespaced).toBe(true);
    expect(md.resource(DEPLOYMENTS).restClient.rateLimiter).toBe(secrets.restClient.rateLimiter);
    expect(md.resource({ ...SECRETS, resource: 'configmaps' }).restClient).toBe(secrets.restClient);
  });

  it('asks for metadata even when the config names other content types', async () => {
    const server = await startFakeServer(honouring);
    closeServer = server.close;
    const md = MetadataClient.forConfig({ host: server.url, qps: -1, acceptContentTypes: 'application/yaml' });
    await md.resource(SECRETS).namespace('ns').get('s1');
    expect(server.requests[0]!.headers.accept).toBe(METADATA_ACCEPT);
  });

  it('rejects with the StatusError of a failed request', async () => {
    const { md } = await setup((_r, res) =>
      json(res, 404, { kind: 'Status', code: 404, reason: 'NotFound', message: 'secrets "x" not found' }),
    );
    expect(
      isNotFound(
        await md
          .resource(SECRETS)
          .namespace('ns')
          .get('x')
          .catch((e: unknown) => e),
      ),
    ).toBe(true);
  });
});

describe('MetadataClient fallback (a server that answers plain JSON)', () => {
  const plain = (_req: Recorded, res: ServerResponse) => json(res, 200, SECRET);

  it.each<[string, (c: MetadataResourceClient) => Promise<PartialObjectMetadata>]>([
    ['get', (c) => c.get('s1')],
    ['patch', (c) => c.patch('s1', PatchType.Merge, { metadata: { labels: { c: 'd' } } })],
  ])('%s keeps the metadata only, without apiVersion and kind', async (_n, call) => {
    const { md } = await setup(plain);
    const got = await call(md.resource(SECRETS).namespace('ns'));
    expect(got).toEqual({ metadata: META });
    expect(JSON.stringify(got)).not.toContain('aHVudGVyMg==');
  });

  it("list keeps the list metadata and each item's type and metadata only", async () => {
    const { md } = await setup((_r, res) =>
      json(res, 200, {
        apiVersion: 'v1',
        kind: 'SecretList',
        metadata: { resourceVersion: '9', continue: 'c' },
        items: [
          { metadata: META, data: { password: 'aHVudGVyMg==' } },
          { apiVersion: 'v1', kind: 'Secret', metadata: { ...META, name: 's2' }, data: {} },
        ],
      }),
    );
    const list = await md.resource(SECRETS).namespace('ns').list();
    expect(list).toEqual({
      metadata: { resourceVersion: '9', continue: 'c' },
      items: [{ metadata: META }, { apiVersion: 'v1', kind: 'Secret', metadata: { ...META, name: 's2' } }],
    });
  });

  it.each([
    ['no metadata', { apiVersion: 'v1', kind: 'Secret', data: {} }],
    ['metadata without identity', { apiVersion: 'v1', kind: 'Secret', metadata: { labels: { a: 'b' } } }],
  ])('get refuses an answer that does not look like an object (%s)', async (_n, body) => {
    const { md } = await setup((_r, res) => json(res, 200, body));
    await expect(md.resource(SECRETS).namespace('ns').get('s1')).rejects.toThrow(
      /does not appear to match the ObjectMeta schema/,
    );
  });

  it.each([
    ['name', { name: 'x' }],
    ['generateName', { generateName: 'x-' }],
    ['uid', { uid: 'u' }],
    ['creationTimestamp', { creationTimestamp: '2021-01-01T00:00:00Z' }],
  ])('accepts metadata identified by %s alone', async (_n, metadata) => {
    const { md } = await setup((_r, res) => json(res, 200, { kind: 'Secret', metadata }));
    expect(await md.resource(SECRETS).namespace('ns').get('s1')).toEqual({ metadata });
  });
});
