// The generated typed Clientset against kube-apiserver: CRUD with typed results, updateStatus, the
// scale subresource, server-side apply with the generated apply configurations, deleteCollection
// with a label selector, and a typed watch.
import { beforeAll, describe, expect, it } from 'vitest';
import { isConflict, isNotFound } from '../../src/apimachinery/errors.js';
import { PatchType } from '../../src/apimachinery/meta.js';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { type apps_v1, Clientset, coreV1, scheme } from '../../src/kubernetes/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

const deployment = (name: string, replicas: number): apps_v1.Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
  },
});

describe('generated Clientset', () => {
  let ns: string;
  let cs: Clientset;
  beforeAll(async () => {
    ns = await createTestNamespace('clientset');
    cs = Clientset.forConfig({ ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 });
  });

  it('does typed CRUD on ConfigMaps', async () => {
    const cms = cs.coreV1.configMaps(ns);
    const created = await cms.create({ metadata: { name: 'typed' }, data: { a: '1' } });
    expect(created.data).toEqual({ a: '1' });
    const patched = await cms.patch('typed', PatchType.Merge, { data: { b: '2' } });
    expect(patched.data).toEqual({ a: '1', b: '2' });
    const updated = await cms.update({ ...patched, data: { c: '3' } });
    expect(updated.data).toEqual({ c: '3' });
    expect((await cms.list()).items.map((c) => c.metadata?.name)).toContain('typed');
    await cms.delete('typed');
    expect(isNotFound(await cms.get('typed').catch((e: unknown) => e))).toBe(true);
  });

  it('lists cluster-scoped namespaces and knows every kind', async () => {
    const names = (await cs.coreV1.namespaces.list()).items.map((n) => n.metadata?.name);
    expect(names).toContain(ns);
    expect(scheme.byApiVersionKind('apps/v1', 'Deployment')).toMatchObject({
      resource: 'deployments',
      namespaced: true,
    });
    expect(scheme.kindFor({ group: '', version: 'v1', resource: 'namespaces' })?.namespaced).toBe(false);
  });

  it('updates status and the scale subresource of a Deployment', async () => {
    const deployments = cs.appsV1.deployments(ns);
    const d = await deployments.create(deployment('web', 1));
    // The cluster's deployment controller writes this status too: update unconditionally (no
    // resourceVersion) so that its writes cannot make ours a conflict.
    const withStatus = await deployments.updateStatus({
      ...d,
      metadata: { ...d.metadata, resourceVersion: undefined },
      status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 },
    });
    expect(withStatus.status?.availableReplicas).toBe(1);
    const scale = await deployments.getScale('web');
    expect(scale.spec?.replicas).toBe(1);
    const scaled = await deployments.updateScale('web', {
      ...scale,
      metadata: { ...scale.metadata, resourceVersion: undefined },
      spec: { replicas: 4 },
    });
    expect(scaled.spec?.replicas).toBe(4);
    expect((await deployments.get('web')).spec?.replicas).toBe(4);
  });

  it('applies server-side with the generated apply configurations', async () => {
    const cms = cs.coreV1.configMaps(ns);
    const cfg = { ...coreV1.configMapApplyConfiguration('applied', ns), data: { owner: 'one' } };
    await cms.apply(cfg, { fieldManager: 'one' });
    expect(
      isConflict(await cms.apply({ ...cfg, data: { owner: 'two' } }, { fieldManager: 'two' }).catch((e: unknown) => e)),
    ).toBe(true);
    const forced = await cms.apply({ ...cfg, data: { owner: 'two' } }, { fieldManager: 'two', force: true });
    expect(forced.data?.owner).toBe('two');
  });

  it('deletes a collection by label and watches typed events', async () => {
    const secrets = cs.coreV1.secrets(ns);
    const rv = (await secrets.list()).metadata?.resourceVersion;
    const w = await secrets.watch({ resourceVersion: rv, labelSelector: 'batch=x' });
    for (let i = 0; i < 2; i++)
      await secrets.create({ metadata: { name: `s${i}`, labels: { batch: 'x' } }, stringData: { k: 'v' } });
    await secrets.deleteCollection({}, { labelSelector: 'batch=x' });
    const seen: string[] = [];
    for await (const ev of w) {
      seen.push(`${ev.type}:${ev.object.metadata?.name}`);
      if (seen.length === 4) w.stop();
    }
    expect(seen.sort()).toEqual(['ADDED:s0', 'ADDED:s1', 'DELETED:s0', 'DELETED:s1']);
  });
});
