// tools/watch against kube-apiserver: until() on a RetryWatcher and untilWithSync() on an informer.
import { describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { Clientset } from '../../src/kubernetes/index.js';
import { listWatchFromResource } from '../../src/tools/cache/index.js';
import { until, untilWithSync } from '../../src/tools/watch/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

describe('tools/watch', () => {
  it('waits for conditions with until and untilWithSync', async () => {
    const ns = await createTestNamespace('until');
    const cms = Clientset.forConfig({
      ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config,
      qps: -1,
    }).coreV1.configMaps(ns);
    const rv = (await cms.list()).metadata!.resourceVersion!;
    const waiting = until(
      AbortSignal.timeout(20_000),
      rv,
      cms,
      (e) => e.type === 'ADDED',
      (e) => e.type === 'MODIFIED' && e.object.data?.step === '2',
    );
    await cms.create({ metadata: { name: 'x' }, data: { step: '1' } });
    await cms.patch('x', 'application/merge-patch+json', { data: { step: '2' } });
    expect((await waiting).object.data?.step).toBe('2');

    const already = await untilWithSync(
      AbortSignal.timeout(20_000),
      listWatchFromResource(cms),
      (store) => store.getByKey(`${ns}/x`) !== undefined,
    );
    expect(already).toBeUndefined();
    const deletion = untilWithSync(
      AbortSignal.timeout(20_000),
      listWatchFromResource(cms),
      undefined,
      (e) => e.type === 'DELETED',
    );
    setTimeout(() => void cms.delete('x'), 300);
    expect((await deletion)?.object.metadata?.name).toBe('x');
  });
});
