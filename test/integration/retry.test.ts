// retryOnConflict resolving real 409s: concurrent read-modify-write increments of one ConfigMap.
import { describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { DynamicClient } from '../../src/dynamic/index.js';
import { DefaultRetry, retryOnConflict } from '../../src/util/retry/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

describe('retryOnConflict against kube-apiserver', () => {
  it('lets 5 concurrent writers all land their increment', async () => {
    const ns = await createTestNamespace('retry');
    const cms = DynamicClient.forConfig({ ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 })
      .resource({ group: '', version: 'v1', resource: 'configmaps' })
      .namespace(ns);
    await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'counter' }, data: { n: '0' } });
    let conflicts = 0;
    const increment = () =>
      retryOnConflict({ ...DefaultRetry, steps: 20 }, async () => {
        const cm = (await cms.get('counter')) as { data: { n: string } };
        await new Promise((r) => setTimeout(r, Math.random() * 20));
        try {
          await cms.update({ ...cm, data: { n: String(Number(cm.data.n) + 1) } } as never);
        } catch (err) {
          conflicts++;
          throw err;
        }
      });
    await Promise.all(Array.from({ length: 5 }, increment));
    expect(((await cms.get('counter')) as { data: { n: string } }).data.n).toBe('5');
    expect(conflicts).toBeGreaterThan(0);
  });
});
