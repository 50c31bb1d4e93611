// A live round trip of a client kube-client-gen generated (test/fixtures/generated/replicators,
// from test/fixtures/crds/scale-status.yaml: a CRD with status and scale subresources): install
// the CRD, wait until it is Established, then create, get, list, patch (merge and JSON), update
// the status, read and update the scale, delete, and watch it all happen; and the generated typed
// informer and lister: shared through a SharedInformerFactory (or standalone), they sync from the
// apiserver and hand out typed Replicators.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isAlreadyExists, isNotFound } from '../../src/apimachinery/errors.js';
import { PatchType } from '../../src/apimachinery/index.js';
import type { WatchEvent } from '../../src/apimachinery/watch/types.js';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { DynamicClient, type Unstructured } from '../../src/dynamic/index.js';
import { allSynced, SharedInformerFactory } from '../../src/informers/index.js';
import { Clientset as KubernetesClientset } from '../../src/kubernetes/index.js';
import { pollUntilContextTimeout } from '../../src/util/wait/index.js';
import {
  Clientset,
  informersFor,
  type scale_example_com_v1,
  scaleExampleComV1Informers,
  scaleExampleComV1Listers,
} from '../fixtures/generated/replicators/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

const CRD_GVR = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' };

describe('a generated CRD client against the real apiserver', () => {
  const config = { ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 };
  let ns: string;

  beforeAll(async () => {
    ns = await createTestNamespace('codegen-crd');
    const crd = parse(await readFile('test/fixtures/crds/scale-status.yaml', 'utf8')) as Unstructured;
    const crds = DynamicClient.forConfig(config).resource(CRD_GVR);
    await crds.create(crd).catch((err: unknown) => {
      if (!isAlreadyExists(err)) throw err;
    });
    const replicators = Clientset.forConfig(config).scaleExampleComV1.replicators(ns);
    await pollUntilContextTimeout(undefined, 200, 60_000, true, async () => {
      const got = (await crds.get(crd.metadata!.name!)) as {
        status?: { conditions?: Array<{ type: string; status: string }> };
      };
      if (!got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return false;
      return replicators.list({ limit: 1 }).then(
        () => true,
        (err: unknown) => {
          if (isNotFound(err)) return false;
          throw err;
        },
      );
    });
  });

  it('creates, gets, lists, patches, updates status and scale, deletes and watches', async () => {
    const replicators = Clientset.forConfig(config).scaleExampleComV1.replicators(ns);
    const w = await replicators.watch();
    const events: Array<WatchEvent<scale_example_com_v1.Replicator>> = [];
    const watched = (async () => {
      for await (const e of w) {
        events.push(e);
        if (e.type === 'DELETED') w.stop();
      }
    })();

    const r: scale_example_com_v1.Replicator = {
      metadata: { name: 'r1', labels: { app: 'r' } },
      spec: { replicas: 1, image: 'busybox', mode: 'Fast' },
    };
    const created = await replicators.create(r);
    expect(created).toMatchObject({ apiVersion: 'scale.example.com/v1', kind: 'Replicator', spec: { replicas: 1 } });
    expect(created.metadata?.uid).toBeTruthy();

    expect((await replicators.get('r1')).spec?.image).toBe('busybox');
    expect((await replicators.list({ labelSelector: 'app=r' })).items.map((i) => i.metadata?.name)).toEqual(['r1']);

    const merged = await replicators.patch('r1', PatchType.Merge, { spec: { mode: 'Slow', image: null } });
    expect(merged.spec).toEqual({ replicas: 1, mode: 'Slow' });
    const jsonPatched = await replicators.patch('r1', PatchType.JSON, [
      { op: 'add', path: '/spec/image', value: 'nginx' },
    ]);
    expect(jsonPatched.spec?.image).toBe('nginx');

    const withStatus = await replicators.updateStatus({
      ...jsonPatched,
      status: { replicas: 1, selector: 'app=r', phase: null },
    });
    // phase is nullable: the type admits null and the apiserver keeps it.
    expect(withStatus.status).toEqual({ replicas: 1, selector: 'app=r', phase: null });
    // The status subresource ignores spec changes, and the main resource ignores status changes.
    expect((await replicators.get('r1')).spec?.mode).toBe('Slow');

    const scale = await replicators.getScale('r1');
    expect(scale).toMatchObject({ kind: 'Scale', spec: { replicas: 1 }, status: { replicas: 1, selector: 'app=r' } });
    const scaled = await replicators.updateScale('r1', { ...scale, spec: { replicas: 3 } });
    expect(scaled.spec?.replicas).toBe(3);
    expect((await replicators.get('r1')).spec?.replicas).toBe(3);

    await replicators.delete('r1');
    expect(isNotFound(await replicators.get('r1').catch((e: unknown) => e))).toBe(true);

    await watched;
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'MODIFIED', 'MODIFIED', 'MODIFIED', 'DELETED']);
    expect(events[0]!.object.spec?.replicas).toBe(1);
    expect(events.at(-1)!.object.spec?.replicas).toBe(3);
  });

  it('is refused a strategic merge patch by the apiserver, as the client type says', async () => {
    const replicators = Clientset.forConfig(config).scaleExampleComV1.replicators(ns);
    await replicators.create({ metadata: { name: 'r2' }, spec: { replicas: 1 } });
    const err = await replicators
      // @ts-expect-error custom resources take no strategic merge patch, and the type says so
      .patch('r2', PatchType.StrategicMerge, { spec: { replicas: 2 } })
      .catch((e: unknown) => e);
    expect((err as { code?: number }).code).toBe(415);
    await replicators.delete('r2');
  });

  it('a generated typed informer and lister sync from the apiserver and hand out typed objects', async () => {
    const cs = Clientset.forConfig(config);
    const replicators = cs.scaleExampleComV1.replicators(ns);
    await replicators.create({ metadata: { name: 'i1', labels: { tier: 'a' } }, spec: { replicas: 2, image: 'x' } });
    await replicators.create({ metadata: { name: 'i2', labels: { tier: 'b' } }, spec: { replicas: 1 } });

    // One factory for built-in and generated informers alike.
    const factory = SharedInformerFactory.create(KubernetesClientset.forConfig(config), { namespace: ns });
    const access = informersFor(factory, cs).scaleExampleComV1.replicators;
    const configMaps = factory.coreV1.configMaps;
    const added: string[] = [];
    access.informer().addEventHandler({
      onAdd: (r) => {
        added.push(`${r.metadata?.name}=${r.spec?.replicas}`);
      },
    });
    configMaps.informer();
    const ac = new AbortController();
    try {
      factory.start(ac.signal);
      expect(allSynced(await factory.waitForCacheSync(ac.signal))).toBe(true);
      expect([...(await factory.waitForCacheSync(ac.signal)).keys()].sort()).toEqual([
        '/v1/configmaps',
        'scale.example.com/v1/replicators',
      ]);
      // Asking again gives the same shared informer.
      expect(informersFor(factory, cs).scaleExampleComV1.replicators.informer()).toBe(access.informer());
      expect(added.sort()).toEqual(['i1=2', 'i2=1']);

      const lister: scaleExampleComV1Listers.ReplicatorLister = access.lister();
      const i1: scale_example_com_v1.Replicator = lister.namespace(ns).get('i1');
      expect(i1).toMatchObject({ apiVersion: 'scale.example.com/v1', kind: 'Replicator', spec: { image: 'x' } });
      const replicas: number | undefined = i1.spec?.replicas;
      expect(replicas).toBe(2);
      // @ts-expect-error the lister's objects are typed: a Replicator's spec has no such field
      expect(i1.spec?.replicaz).toBeUndefined();
      expect(lister.list('tier=b').map((r) => r.metadata?.name)).toEqual(['i2']);
      expect(lister.namespace(ns).tryGet('missing')).toBeUndefined();

      await replicators.patch('i2', PatchType.Merge, { spec: { replicas: 5 } });
      await pollUntilContextTimeout(undefined, 50, 20_000, true, async () => {
        return lister.namespace(ns).get('i2').spec?.replicas === 5;
      });

      // The standalone informer and lister (client-go's NewFilteredReplicatorInformer, NewReplicatorLister).
      const own = scaleExampleComV1Informers.newReplicatorInformer(cs.scaleExampleComV1, ns, {
        tweakListOptions: (o) => {
          o.labelSelector = 'tier=a';
        },
      });
      const ownRun = own.run(ac.signal);
      await pollUntilContextTimeout(undefined, 50, 20_000, true, async () => own.hasSynced());
      const ownLister = scaleExampleComV1Listers.newReplicatorLister(own.getIndexer());
      expect(
        ownLister
          .namespace(ns)
          .list()
          .map((r) => r.metadata?.name),
      ).toEqual(['i1']);
      ac.abort();
      await ownRun;
    } finally {
      ac.abort();
      await factory.shutdown();
      await replicators.delete('i1').catch(() => undefined);
      await replicators.delete('i2').catch(() => undefined);
    }
  });
});
