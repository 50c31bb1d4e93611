// Fake clientsets: the real typed Clientset over an in-memory API: CRUD, conflicts, patches,
// selectors, recorded actions, reactors injecting errors, and watches feeding an informer.
import { describe, expect, it } from 'vitest';
import { isAlreadyExists, isConflict, isNotFound, StatusError } from '../../../src/apimachinery/errors.js';
import { PatchType } from '../../../src/apimachinery/meta.js';
import { newSimpleClientset, newSimpleDynamicClient } from '../../../src/fake/index.js';
import { listWatchFromResource, SharedIndexInformer, waitForCacheSync } from '../../../src/tools/cache/index.js';

const seed = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'seeded', namespace: 'default', labels: { app: 'a' } },
  data: { k: 'v' },
};

describe('fake Clientset', () => {
  it('serves typed CRUD with resourceVersions, conflicts and patches', async () => {
    const { clientset: cs, api } = newSimpleClientset(seed);
    const cms = cs.coreV1.configMaps('default');
    const got = await cms.get('seeded');
    expect(got.data).toEqual({ k: 'v' });
    const updated = await cms.update({ ...got, data: { k: 'w' } });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(got.metadata?.resourceVersion));
    expect(isConflict(await cms.update({ ...got, data: { k: 'stale' } }).catch((e: unknown) => e))).toBe(true);
    expect(isAlreadyExists(await cms.create({ metadata: { name: 'seeded' } }).catch((e: unknown) => e))).toBe(true);
    await cms.create({ metadata: { name: 'other', labels: { app: 'b' } } });
    expect((await cms.list({ labelSelector: 'app=b' })).items.map((c) => c.metadata?.name)).toEqual(['other']);
    expect((await cms.patch('other', PatchType.Merge, { data: { x: '1' } })).data).toEqual({ x: '1' });
    expect((await cms.patch('other', PatchType.JSON, [{ op: 'replace', path: '/data/x', value: '2' }])).data).toEqual({
      x: '2',
    });
    await cms.delete('other');
    expect(isNotFound(await cms.get('other').catch((e: unknown) => e))).toBe(true);
    expect(api.actions().map((a) => `${a.verb}:${a.resource.resource}`)).toContain('patch:configmaps');
  });

  it('lets reactors inject errors and records actions', async () => {
    const { clientset: cs, api } = newSimpleClientset(seed);
    api.prependReactor('update', 'configmaps', () => ({
      handled: true,
      error: new StatusError({ code: 409, reason: 'Conflict', message: 'injected' }),
    }));
    const cm = await cs.coreV1.configMaps('default').get('seeded');
    const err = await cs.coreV1
      .configMaps('default')
      .update(cm)
      .catch((e: unknown) => e);
    expect(isConflict(err)).toBe(true);
    expect((err as Error).message).toBe('injected');
    expect(api.actions().map((a) => [a.verb, a.namespace, a.name])).toEqual([
      ['get', 'default', 'seeded'],
      ['update', 'default', 'seeded'],
    ]);
    api.clearActions();
    expect(api.actions()).toEqual([]);
  });

  it('feeds informers through watches', async () => {
    const { clientset: cs } = newSimpleClientset(seed);
    const informer = new SharedIndexInformer(listWatchFromResource(cs.coreV1.configMaps('default')));
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o) => void seen.push(`add ${o.metadata?.name}`),
      onUpdate: (_o, n) => void seen.push(`update ${n.metadata?.name}`),
      onDelete: (o) => void seen.push(`delete ${(o as { metadata?: { name?: string } }).metadata?.name}`),
    });
    const ac = new AbortController();
    const done = informer.run(ac.signal);
    await waitForCacheSync(ac.signal, () => informer.hasSynced());
    await new Promise((r) => setTimeout(r, 20));
    await cs.coreV1.configMaps('default').create({ metadata: { name: 'new' } });
    await cs.coreV1.configMaps('default').patch('new', PatchType.Merge, { data: { a: '1' } });
    await cs.coreV1.configMaps('default').delete('new');
    const end = Date.now() + 3000;
    while (seen.length < 4 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual(['add seeded', 'add new', 'update new', 'delete new']);
    ac.abort();
    await done;
  });

  it('works for the dynamic client', async () => {
    const gvr = { group: 'samplecontroller.k8s.io', version: 'v1alpha1', resource: 'foos' };
    const { client } = newSimpleDynamicClient([
      {
        gvr,
        object: {
          apiVersion: 'samplecontroller.k8s.io/v1alpha1',
          kind: 'Foo',
          metadata: { name: 'f', namespace: 'ns' },
        },
      },
    ]);
    expect((await client.resource(gvr).namespace('ns').list()).items).toHaveLength(1);
    expect(() => newSimpleClientset({ metadata: { name: 'x' } })).toThrow(/set apiVersion and kind/);
  });
});
