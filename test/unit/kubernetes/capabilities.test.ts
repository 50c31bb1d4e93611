// The generated accessors are typed with the calls the API server serves (from the spec's verbs and
// subresources), over one runtime class. The type half of this file is checked by `npm run
// typecheck` (tsc compiles the tests): every `@ts-expect-error` line must fail to compile, so a
// capability that comes back (tokenReviews.list, configMaps.updateStatus, a create-only kind's
// apply) breaks the typecheck; every served call next to them must compile. The runtime half
// checks that all accessors still hand out the one ResourceClient and that the capability types
// follow the kinds table.
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { PatchType } from '../../../src/apimachinery/meta.js';
import { newSimpleClientset } from '../../../src/fake/index.js';
import {
  type authentication_v1,
  authenticationV1,
  type Applier,
  type apps_v1,
  appsV1,
  Clientset,
  type Creator,
  type core_v1,
  coreV1,
  kinds,
  type ListWatchClient,
  type ResourceLister,
  ResourceClient,
  type StatusUpdater,
} from '../../../src/kubernetes/index.js';

const opts = { fieldManager: 'capabilities-test' };

/** Never called: tsc checks what compiles and what does not. */
function typeChecks(cs: Clientset) {
  // A resource with the standard verbs: every one compiles, status and scale do not.
  const cms = cs.coreV1.configMaps('default');
  const cm: core_v1.ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } };
  void cms.get('x');
  void cms.list({ labelSelector: 'a=b' });
  void cms.watch({ resourceVersion: '0' });
  void cms.create(cm);
  void cms.update(cm);
  void cms.patch('x', PatchType.Merge, { data: { a: '1' } });
  void cms.apply(coreV1.configMapApplyConfiguration('x', 'default'), opts);
  void cms.delete('x');
  void cms.deleteCollection({}, { labelSelector: 'a=b' });
  // @ts-expect-error configmaps have no status subresource
  void cms.updateStatus(cm);
  // @ts-expect-error nor status apply
  void cms.applyStatus(coreV1.configMapApplyConfiguration('x', 'default'), opts);
  // @ts-expect-error nor scale
  void cms.getScale('x');

  // A create-only kind: create compiles, nothing else does, and it has no apply configuration.
  const reviews = cs.authenticationV1.tokenReviews;
  const review: authentication_v1.TokenReview = {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token: 't' },
  };
  void reviews.create(review);
  // @ts-expect-error tokenreviews serve create only
  void reviews.list();
  // @ts-expect-error
  void reviews.get('x');
  // @ts-expect-error
  void reviews.watch();
  // @ts-expect-error
  void reviews.update(review);
  // @ts-expect-error
  void reviews.delete('x');
  // @ts-expect-error
  void reviews.deleteCollection();
  // @ts-expect-error
  void reviews.patch('x', PatchType.Merge, {});
  // @ts-expect-error an apply is a patch, which tokenreviews do not serve
  void reviews.apply({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: { name: 'x' } }, opts);
  // @ts-expect-error no apply configuration helper for a create-only kind
  void authenticationV1.tokenReviewApplyConfiguration;
  expectTypeOf(reviews).toEqualTypeOf<authenticationV1.AuthenticationV1TokenReviewsClient>();
  expectTypeOf(reviews).toMatchTypeOf<Creator<authentication_v1.TokenReview>>();
  expectTypeOf(reviews).not.toMatchTypeOf<Applier<authentication_v1.TokenReview>>();
  expectTypeOf(reviews).not.toMatchTypeOf<ResourceLister<authentication_v1.TokenReview>>();

  // Status and scale where served.
  const deployments = cs.appsV1.deployments('default');
  const d: apps_v1.Deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } };
  void deployments.updateStatus(d);
  void deployments.applyStatus(appsV1.deploymentApplyConfiguration('web', 'default'), opts);
  void deployments.getScale('web').then((s) => deployments.updateScale('web', s));
  void deployments.patch('web', PatchType.Merge, { status: {} }, {}, 'status');
  expectTypeOf(deployments).toMatchTypeOf<StatusUpdater<apps_v1.Deployment>>();

  // Get and list, no writes (componentstatuses; the spec lists no watch path for it either).
  const cstatuses = cs.coreV1.componentStatuses;
  void cstatuses.get('etcd-0');
  void cstatuses.list();
  // @ts-expect-error componentstatuses serve get and list only
  void cstatuses.watch();
  // @ts-expect-error
  void cstatuses.create({ apiVersion: 'v1', kind: 'ComponentStatus', metadata: { name: 'x' } });

  // Pods keep their subresource calls; a binding is create-only.
  const pods = cs.coreV1.pods('default');
  void pods.getLog('p');
  void pods.evict('p', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p' } });
  void pods.updateStatus({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } });
  // @ts-expect-error pods have no scale subresource
  void pods.getScale('p');
  // @ts-expect-error bindings serve create only
  void cs.coreV1.bindings('default').get('x');

  // What informers take: list + watch + the resource.
  expectTypeOf(cms).toMatchTypeOf<ListWatchClient<core_v1.ConfigMap>>();
  expectTypeOf(reviews).not.toMatchTypeOf<ListWatchClient<authentication_v1.TokenReview>>();
}

describe('capability-typed clients', () => {
  const cs = Clientset.forConfig({ host: 'https://127.0.0.1:1' });

  it('every accessor hands out the one runtime ResourceClient, whatever its type allows', () => {
    expect(typeof typeChecks).toBe('function');
    expect(cs.authenticationV1.tokenReviews).toBeInstanceOf(ResourceClient);
    expect(cs.coreV1.configMaps('default')).toBeInstanceOf(ResourceClient);
    expect(cs.appsV1.deployments('default')).toBeInstanceOf(ResourceClient);
    expect(cs.coreV1.pods('default')).toBeInstanceOf(coreV1.CoreV1PodsResourceClient);
  });

  it('emits an apply configuration helper exactly for the kinds that serve patch', () => {
    const modules: Record<string, Record<string, unknown>> = { authenticationV1, coreV1, appsV1 };
    const groups: Record<string, string> = { authenticationV1: 'authentication.k8s.io', coreV1: '', appsV1: 'apps' };
    let checked = 0;
    for (const [id, mod] of Object.entries(modules)) {
      for (const k of kinds.filter((x) => x.group === groups[id] && x.version === 'v1')) {
        const helper = `${k.kind.charAt(0).toLowerCase()}${k.kind.slice(1)}ApplyConfiguration`;
        expect(typeof mod[helper], `${id}.${helper}`).toBe(k.verbs?.includes('patch') ? 'function' : 'undefined');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(authenticationV1).not.toHaveProperty('tokenReviewApplyConfiguration');
  });

  it('lists in the generated types the capabilities of the kinds table', () => {
    const src = readFileSync(new URL('../../../src/generated/clientset/coreV1.ts', import.meta.url), 'utf8');
    const typeOf = (name: string) => new RegExp(`export type ${name} = ([^;]*);`).exec(src)?.[1] ?? '';
    expect(typeOf('CoreV1ConfigMapsClient')).not.toMatch(/StatusUpdater|Scaler/);
    expect(typeOf('CoreV1ConfigMapsClient')).toMatch(/ResourceWatcher<core_v1\.ConfigMap>/);
    expect(typeOf('CoreV1ComponentStatusesClient')).not.toMatch(/ResourceWatcher|Creator|Patcher/);
    expect(typeOf('CoreV1BindingsClient').replace(/\s+/g, ' ')).toBe('ResourceHandle & Creator<core_v1.Binding>');
    expect(typeOf('CoreV1ReplicationControllersClient')).toMatch(/Scaler<autoscaling_v1\.Scale>/);
  });

  it('the fake clientset serves the calls the types allow', async () => {
    const seed: core_v1.ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'default' },
      data: { k: 'v' },
    };
    const { clientset } = newSimpleClientset(seed);
    const cms = clientset.coreV1.configMaps('default');
    expect((await cms.get('a')).data).toEqual({ k: 'v' });
    expect((await cms.list()).items.map((c) => c.metadata?.name)).toEqual(['a']);
  });
});
