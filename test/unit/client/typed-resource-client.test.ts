// TypedResourceClient: patch() bodies checked against the object type at compile time (merge
// patch = deep partial with null, JSON patch = operations, no strategic merge), and sent exactly
// as ResourceClient sends them.
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { type KubeObject, PatchType } from '../../../src/apimachinery/meta.js';
import {
  type JsonPatchOperation,
  type MergePatch,
  ResourceClient,
  TypedResourceClient,
} from '../../../src/client/index.js';
import { restClientFor } from '../../../src/rest/index.js';
import { json, startFakeServer } from '../../support/fake-server.js';

interface Widget extends KubeObject {
  spec?: { size?: number; mode?: 'Fast' | 'Slow'; ports?: { name?: string; port: number }[] };
}

let server: Awaited<ReturnType<typeof startFakeServer>>;
beforeAll(async () => {
  server = await startFakeServer((req, res) => json(res, 200, req.body.startsWith('{') ? JSON.parse(req.body) : {}));
});
afterAll(() => server.close());

const widgets = () =>
  new TypedResourceClient<Widget>(
    restClientFor({ host: server.url, groupVersion: { group: 'example.com', version: 'v1' }, qps: -1 }),
    { group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true },
    'ns1',
  );

describe('TypedResourceClient.patch', () => {
  it.each<[string, () => Promise<Widget>, string, string]>([
    [
      'a merge patch',
      () => widgets().patch('w', PatchType.Merge, { spec: { size: 3, mode: null } }),
      'application/merge-patch+json',
      '{"spec":{"size":3,"mode":null}}',
    ],
    [
      'a JSON patch',
      () => widgets().patch('w', PatchType.JSON, [{ op: 'remove', path: '/spec/mode' }]),
      'application/json-patch+json',
      '[{"op":"remove","path":"/spec/mode"}]',
    ],
    [
      'a serialized body',
      () => widgets().patch('w', PatchType.Merge, '{"spec":{}}'),
      'application/merge-patch+json',
      '{"spec":{}}',
    ],
    [
      'a status patch',
      () => widgets().patch('w', PatchType.Merge, { spec: { size: 1 } }, {}, 'status'),
      'application/merge-patch+json',
      '{"spec":{"size":1}}',
    ],
  ])('sends %s as ResourceClient does', async (_name, call, contentType, body) => {
    server.requests.length = 0;
    await call();
    const [r] = server.requests;
    expect(r!.method).toBe('PATCH');
    expect(r!.headers['content-type']).toBe(contentType);
    expect(r!.body).toBe(body);
    expect(r!.url).toMatch(/^\/apis\/example\.com\/v1\/namespaces\/ns1\/widgets\/w(\/status)?$/);
  });

  it('types the bodies: typos, wrong values and strategic merge do not compile', () => {
    expect(widgets()).toBeInstanceOf(ResourceClient);
    expectTypeOf<{ spec: { size: 1 } }>().toMatchTypeOf<MergePatch<Widget>>();
    expectTypeOf<{ spec: { size: null; ports: [{ port: 1 }] } }>().toMatchTypeOf<MergePatch<Widget>>();
    expectTypeOf<{ spec: { sise: 1 } }>().not.toMatchTypeOf<MergePatch<Widget>>();
    expectTypeOf<{ spec: { mode: 'Medium' } }>().not.toMatchTypeOf<MergePatch<Widget>>();
    expectTypeOf<[{ op: 'remove'; path: string }]>().toMatchTypeOf<JsonPatchOperation[]>();
    expectTypeOf<[{ op: 'remove' }]>().not.toMatchTypeOf<JsonPatchOperation[]>();
    const call = () =>
      // @ts-expect-error the apiserver refuses strategic merge patches for custom resources
      widgets().patch('w', PatchType.StrategicMerge, {});
    expect(typeof call).toBe('function');
  });
});
