// DynamicClient.resource<T>(): a CRD's own type on the dynamic client, no casts; Unstructured by default.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { KubeObject } from '../../../src/apimachinery/meta.js';
import type { Unstructured } from '../../../src/dynamic/index.js';
import { newSimpleDynamicClient } from '../../../src/fake/index.js';

interface Foo extends KubeObject {
  spec?: { deploymentName?: string; replicas?: number };
}
const gvr = { group: 'samplecontroller.k8s.io', version: 'v1alpha1', resource: 'foos' };

describe('DynamicClient.resource<T>()', () => {
  it('reads and writes typed objects', async () => {
    const { client } = newSimpleDynamicClient([
      {
        gvr,
        object: {
          apiVersion: 'samplecontroller.k8s.io/v1alpha1',
          kind: 'Foo',
          metadata: { name: 'a', namespace: 'ns' },
        },
      },
    ]);
    const foos = client.resource<Foo>(gvr).namespace('ns');
    const created = await foos.create({
      apiVersion: 'samplecontroller.k8s.io/v1alpha1',
      kind: 'Foo',
      metadata: { name: 'b' },
      spec: { deploymentName: 'd', replicas: 2 },
    });
    expectTypeOf(created).toEqualTypeOf<Foo>();
    expect(created.spec?.replicas).toBe(2);
    const list = await foos.list();
    expectTypeOf(list.items).toEqualTypeOf<Foo[]>();
    expect(list.items.map((f) => f.metadata?.name)).toEqual(['a', 'b']);
    expectTypeOf(await client.resource(gvr).namespace('ns').get('a')).toEqualTypeOf<Unstructured>();
  });
});
