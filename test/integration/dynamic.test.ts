// The generic ResourceClient through the dynamic client: CRUD, server-side apply with field
// ownership conflicts, deleteCollection by label, and watch.
import { beforeAll, describe, expect, it } from 'vitest';
import { isConflict, isNotFound } from '../../src/apimachinery/errors.js';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { DynamicClient } from '../../src/dynamic/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

const CM = { group: '', version: 'v1', resource: 'configmaps' };

describe('DynamicClient / ResourceClient', () => {
  let ns: string;
  let dyn: DynamicClient;
  beforeAll(async () => {
    ns = await createTestNamespace('dynamic');
    dyn = DynamicClient.forConfig({ ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 });
  });

  it('creates, gets, updates and deletes', async () => {
    const cms = dyn.resource(CM).namespace(ns);
    const created = await cms.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a' },
      data: { x: '1' },
    });
    const got = await cms.get('a');
    expect(got.metadata?.uid).toBe(created.metadata?.uid);
    const updated = await cms.update({ ...got, data: { x: '2' } });
    expect((updated as { data: Record<string, string> }).data.x).toBe('2');
    await cms.delete('a', { gracePeriodSeconds: 0 });
    expect(isNotFound(await cms.get('a').catch((e: unknown) => e))).toBe(true);
  });

  it('applies server-side with field ownership and conflicts', async () => {
    const cms = dyn.resource(CM).namespace(ns);
    const cfg = (data: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'applied' },
      data,
    });
    await cms.apply(cfg({ owner: 'one' }), { fieldManager: 'manager-one' });
    const conflict = await cms.apply(cfg({ owner: 'two' }), { fieldManager: 'manager-two' }).catch((e: unknown) => e);
    expect(isConflict(conflict)).toBe(true);
    const forced = (await cms.apply(cfg({ owner: 'two' }), { fieldManager: 'manager-two', force: true })) as {
      data: Record<string, string>;
    };
    expect(forced.data.owner).toBe('two');
    await expect(cms.apply(cfg({}), { fieldManager: '' })).rejects.toThrow(/fieldManager is required/);
  });

  it('deletes a collection by label and watches through the typed path', async () => {
    const cms = dyn.resource(CM).namespace(ns);
    const list = await cms.list();
    const w = await cms.watch({ resourceVersion: list.metadata?.resourceVersion, labelSelector: 'batch=1' });
    for (let i = 0; i < 3; i++)
      await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `b${i}`, labels: { batch: '1' } } });
    await cms.deleteCollection({}, { labelSelector: 'batch=1' });
    const seen: string[] = [];
    for await (const ev of w) {
      seen.push(`${ev.type} ${ev.object.metadata?.name}`);
      if (seen.length === 6) w.stop();
    }
    expect(seen.filter((s) => s.startsWith('ADDED'))).toHaveLength(3);
    expect(seen.filter((s) => s.startsWith('DELETED'))).toHaveLength(3);
    expect((await cms.list({ labelSelector: 'batch=1' })).items).toHaveLength(0);
  });
});
