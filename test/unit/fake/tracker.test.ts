// ObjectTracker and the fake clientsets in depth, against client-go's testing.ObjectTracker and
// kubernetes/fake: Status errors, resourceVersions, namespaces and scope, selectors, watches,
// patches, subresources, recorded actions, reactors, seeding and informers over the fake.
import { describe, expect, it } from 'vitest';
import {
  isAlreadyExists,
  isBadRequest,
  isConflict,
  isForbidden,
  isInvalid,
  isNotFound,
  StatusError,
} from '../../../src/apimachinery/errors.js';
import { type KubeObject, PatchType } from '../../../src/apimachinery/meta.js';
import type { ChannelWatch } from '../../../src/apimachinery/watch/channel-watch.js';
import type { Watch, WatchEvent } from '../../../src/apimachinery/watch/types.js';
import {
  type Action,
  jsonPatch,
  mergePatch,
  newSimpleClientset,
  newSimpleDynamicClient,
  ObjectTracker,
} from '../../../src/fake/index.js';
import { listWatchFromResource, SharedIndexInformer, waitForCacheSync } from '../../../src/tools/cache/index.js';
import { caught, rejection } from '../../support/caught.js';

const CM = { group: '', version: 'v1', resource: 'configmaps' };
const DEPLOY = { group: 'apps', version: 'v1', resource: 'deployments' };
const NODES = { group: '', version: 'v1', resource: 'nodes' };

type Obj = KubeObject & { data?: Record<string, string>; status?: Record<string, unknown> };

const cm = (namespace: string | undefined, name: string, labels?: Record<string, string>): Obj => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, labels },
  data: { k: name },
});
const pod = (namespace: string, name: string): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
});

const ids = (objs: KubeObject[]) => objs.map((o) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`);
const evs = (events: WatchEvent<KubeObject>[]) =>
  events.map((e) => `${e.type} ${e.object.metadata?.namespace ?? ''}/${e.object.metadata?.name}`);

/** Everything a tracker watch has queued so far. */
async function drain(w: ChannelWatch<KubeObject>): Promise<WatchEvent<KubeObject>[]> {
  w.close();
  const out: WatchEvent<KubeObject>[] = [];
  for await (const ev of w) out.push(ev);
  return out;
}

/** The next `n` events of a client watch (then stops it); fails fast instead of hanging. */
async function take<T>(w: Watch<T>, n: number): Promise<WatchEvent<T>[]> {
  const out: WatchEvent<T>[] = [];
  const timer = setTimeout(() => w.stop(), 2000);
  for await (const ev of w) {
    out.push(ev);
    if (out.length === n) break;
  }
  clearTimeout(timer);
  w.stop();
  return out;
}

async function until(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('ObjectTracker: Status errors as client-go', () => {
  const t = new ObjectTracker();
  it.each([
    ['get', 'configmap', CM, 'configmaps "x" not found', undefined],
    ['update', 'configmap', CM, 'configmaps "x" not found', undefined],
    ['delete', 'configmap', CM, 'configmaps "x" not found', undefined],
    ['get', 'deployment', DEPLOY, 'deployments.apps "x" not found', 'apps'],
    ['update', 'deployment', DEPLOY, 'deployments.apps "x" not found', 'apps'],
    ['delete', 'deployment', DEPLOY, 'deployments.apps "x" not found', 'apps'],
  ] as const)('%s of a missing %s: NotFound naming group and resource', (op, _kind, gvr, message, group) => {
    const err = caught(() =>
      op === 'update' ? t.update(gvr, 'ns', { metadata: { name: 'x', namespace: 'ns' } }) : t[op](gvr, 'ns', 'x'),
    );
    expect(isNotFound(err)).toBe(true);
    expect((err as StatusError).code).toBe(404);
    expect((err as StatusError).message).toBe(message);
    expect((err as StatusError).status.details).toEqual({ name: 'x', group, kind: gvr.resource });
  });

  it.each([
    ['configmap', CM, 'configmaps "dup" already exists'],
    ['deployment', DEPLOY, 'deployments.apps "dup" already exists'],
  ])('create of an existing %s name: AlreadyExists', (_kind, gvr, message) => {
    const tr = new ObjectTracker();
    tr.create(gvr, 'ns', { metadata: { name: 'dup' } });
    const err = caught(() => tr.create(gvr, 'ns', { metadata: { name: 'dup' } })) as StatusError;
    expect(isAlreadyExists(err)).toBe(true);
    expect([err.code, err.message, err.status.details?.name]).toEqual([409, message, 'dup']);
    // the same name in another namespace is another object
    expect(tr.create(gvr, 'other', { metadata: { name: 'dup' } }).metadata?.namespace).toBe('other');
  });

  it('refuses a create with neither name nor generateName (Invalid)', () => {
    const err = caught(() => new ObjectTracker().create(CM, 'ns', { metadata: {} }));
    expect(isInvalid(err)).toBe(true);
    expect((err as Error).message).toMatch(/name or generateName is required/);
  });

  it.each([
    ['create', 'a', 'b'],
    ['update', 'a', 'b'],
    ['create', '', 'b'],
  ] as const)('%s in namespace %j of an object naming namespace %j: BadRequest', (op, ns, own) => {
    const tr = new ObjectTracker();
    tr.add(CM, cm(ns || undefined, 'x'));
    const err = caught(() => tr[op](CM, ns, cm(own, 'x')));
    expect(isBadRequest(err)).toBe(true);
    expect((err as Error).message).toBe(
      `request namespace does not match object namespace, request: "${ns}" object: "${own}"`,
    );
    expect(tr.list(CM, '').map((o) => o.metadata?.namespace ?? '')).toEqual([ns]);
  });
});

describe('ObjectTracker: resourceVersions, identity, generateName', () => {
  it('assigns increasing resourceVersions on every write and keeps uid and creationTimestamp', () => {
    const t = new ObjectTracker();
    expect(t.resourceVersion()).toBe('0');
    const seeded = t.add(CM, cm('ns', 'a'));
    const created = t.create(CM, 'ns', { metadata: { name: 'b' } });
    expect([seeded.metadata?.resourceVersion, created.metadata?.resourceVersion]).toEqual(['1', '2']);
    expect(created.metadata?.uid).toMatch(/^fake-uid-\d+$/);
    expect(created.metadata?.uid).not.toBe(seeded.metadata?.uid);
    expect(created.metadata?.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const updated = t.update(CM, 'ns', { metadata: { name: 'b' }, data: { v: '1' } } as Obj);
    expect(updated.metadata).toMatchObject({
      namespace: 'ns',
      resourceVersion: '3',
      uid: created.metadata?.uid,
      creationTimestamp: created.metadata?.creationTimestamp,
    });
    expect(t.resourceVersion()).toBe('3');
    expect(t.get(CM, 'ns', 'b')).toEqual(updated);
  });

  it('keeps a uid and creationTimestamp the seed brings', () => {
    const t = new ObjectTracker();
    const o = t.add(CM, {
      metadata: { name: 'a', namespace: 'ns', uid: 'u-1', creationTimestamp: '2020-01-01T00:00:00Z' },
    });
    expect(o.metadata).toMatchObject({ uid: 'u-1', creationTimestamp: '2020-01-01T00:00:00Z' });
  });

  it.each([
    ['the current resourceVersion', '2', true],
    ['no resourceVersion (unconditional)', undefined, true],
    ['a stale resourceVersion', '1', false],
    ['a future resourceVersion', '99', false],
  ])('update with %s (%s) accepted: %s', (_what, rv, ok) => {
    const t = new ObjectTracker();
    t.add(DEPLOY, { metadata: { name: 'd', namespace: 'ns' } });
    t.update(DEPLOY, 'ns', { metadata: { name: 'd', namespace: 'ns' } });
    const err = caught(() => t.update(DEPLOY, 'ns', { metadata: { name: 'd', resourceVersion: rv } }));
    if (ok) {
      expect(err).toBeUndefined();
      expect(t.get(DEPLOY, 'ns', 'd').metadata?.resourceVersion).toBe('3');
    } else {
      expect(isConflict(err)).toBe(true);
      expect((err as Error).message).toBe(
        'Operation cannot be fulfilled on deployments.apps "d": the object has been modified; please apply your changes to the latest version and try again',
      );
      expect(t.get(DEPLOY, 'ns', 'd').metadata?.resourceVersion).toBe('2');
    }
  });

  it('makes a name from generateName, a fresh one per create, and keeps the prefix', () => {
    const t = new ObjectTracker();
    const a = t.create(CM, 'ns', { metadata: { generateName: 'web-' } });
    const b = t.create(CM, 'ns', { metadata: { generateName: 'web-' } });
    expect(a.metadata?.name).toMatch(/^web-[a-z0-9]+$/);
    expect(b.metadata?.name).toMatch(/^web-[a-z0-9]+$/);
    expect(a.metadata?.name).not.toBe(b.metadata?.name);
    expect(a.metadata?.generateName).toBe('web-');
    expect(t.get(CM, 'ns', a.metadata!.name!).metadata?.uid).toBe(a.metadata?.uid);
    // an explicit name wins over generateName
    expect(t.create(CM, 'ns', { metadata: { name: 'fixed', generateName: 'web-' } }).metadata?.name).toBe('fixed');
  });

  it('stores and returns copies: callers mutating objects do not change the store', () => {
    const t = new ObjectTracker();
    const input = cm('ns', 'a');
    const stored = t.add(CM, input);
    input.data!.k = 'changed by caller';
    (stored as Obj).data = { k: 'changed too' };
    t.get(CM, 'ns', 'a').metadata!.name = 'mutated';
    expect(t.get(CM, 'ns', 'a')).toMatchObject({ metadata: { name: 'a' }, data: { k: 'a' } });
    expect(input.metadata?.resourceVersion).toBeUndefined();
  });
});

describe('ObjectTracker: namespaces, scope and lists', () => {
  const seeded = () => {
    const t = new ObjectTracker();
    for (const o of [cm('b', 'x'), cm('a', 'y'), cm('a', 'x'), cm('c', 'a')]) t.add(CM, o);
    return t;
  };

  it('keeps namespaces apart for get, list, update and delete', () => {
    const t = seeded();
    expect(t.get(CM, 'a', 'x').metadata?.namespace).toBe('a');
    expect(isNotFound(caught(() => t.get(CM, 'b', 'y')))).toBe(true);
    expect(ids(t.list(CM, 'a'))).toEqual(['a/x', 'a/y']);
    t.update(CM, 'b', { metadata: { name: 'x' }, data: { v: 'b' } } as Obj);
    expect((t.get(CM, 'a', 'x') as Obj).data).toEqual({ k: 'x' });
    t.delete(CM, 'a', 'x');
    expect(ids(t.list(CM, ''))).toEqual(['a/y', 'b/x', 'c/a']);
  });

  it('lists every namespace sorted by namespace, then name (as client-go)', () => {
    expect(ids(seeded().list(CM, ''))).toEqual(['a/x', 'a/y', 'b/x', 'c/a']);
  });

  it('keeps resources and versions apart', () => {
    const t = seeded();
    expect(t.list(DEPLOY, '')).toEqual([]);
    expect(t.list({ ...CM, version: 'v2' }, '')).toEqual([]);
    expect(isNotFound(caught(() => t.get({ ...CM, group: 'other' }, 'a', 'x')))).toBe(true);
  });

  it('stores cluster-scoped objects under the empty namespace, without a namespace field', () => {
    const t = new ObjectTracker();
    t.create(NODES, '', { metadata: { name: 'n2' } });
    t.add(NODES, { metadata: { name: 'n1' } });
    expect(ids(t.list(NODES, ''))).toEqual(['/n1', '/n2']);
    expect(t.get(NODES, '', 'n2').metadata?.namespace).toBeUndefined();
    expect(t.update(NODES, '', { metadata: { name: 'n2' } }).metadata?.namespace).toBeUndefined();
    t.delete(NODES, '', 'n1');
    expect(ids(t.list(NODES, ''))).toEqual(['/n2']);
  });

  it.each([
    ['app=web', ['a/web', 'b/web2']],
    ['app!=web', ['a/db', 'a/none']],
    ['app in (web,db)', ['a/db', 'a/web', 'b/web2']],
    ['app notin (web)', ['a/db', 'a/none']],
    ['tier', ['a/web']],
    ['!app', ['a/none']],
    ['app=web,tier=front', ['a/web']],
    ['', ['a/db', 'a/none', 'a/web', 'b/web2']],
  ])('lists with label selector %j', (selector, want) => {
    const t = new ObjectTracker();
    t.add(CM, cm('a', 'web', { app: 'web', tier: 'front' }));
    t.add(CM, cm('a', 'db', { app: 'db' }));
    t.add(CM, cm('a', 'none'));
    t.add(CM, cm('b', 'web2', { app: 'web' }));
    expect(ids(t.list(CM, '', selector))).toEqual(want);
  });
});

describe('ObjectTracker: watches', () => {
  it('sends ADDED, MODIFIED and DELETED for writes after the watch starts, not before', async () => {
    const t = new ObjectTracker();
    t.add(CM, cm('a', 'before'));
    const w = t.watch(CM, 'a');
    t.create(CM, 'a', cm('a', 'x'));
    t.update(CM, 'a', { ...cm('a', 'x'), data: { v: '2' } } as Obj);
    t.delete(CM, 'a', 'x');
    const got = await drain(w);
    expect(evs(got)).toEqual(['ADDED a/x', 'MODIFIED a/x', 'DELETED a/x']);
    expect((got[1].object as Obj).data).toEqual({ v: '2' });
    expect((got[2].object as Obj).data).toEqual({ v: '2' }); // the last state
    expect(got[1].object.metadata?.resourceVersion).toBe('3');
  });

  it('filters by namespace: a namespace watch sees its own, an all-namespaces watch sees every one', async () => {
    const t = new ObjectTracker();
    const [inA, all, inB] = [t.watch(CM, 'a'), t.watch(CM, ''), t.watch(CM, 'b')];
    t.create(CM, 'a', cm('a', 'x'));
    t.create(CM, 'c', cm('c', 'y'));
    t.add(CM, cm('b', 'z'));
    expect(evs(await drain(inA))).toEqual(['ADDED a/x']);
    expect(evs(await drain(inB))).toEqual(['ADDED b/z']);
    expect(evs(await drain(all))).toEqual(['ADDED a/x', 'ADDED c/y', 'ADDED b/z']);
  });

  it('filters by label selector and resource; cluster-scoped watches see cluster-scoped writes', async () => {
    const t = new ObjectTracker();
    const web = t.watch(CM, '', 'app=web');
    const nodes = t.watch(NODES, '');
    t.create(CM, 'a', cm('a', 'db', { app: 'db' }));
    t.create(CM, 'a', cm('a', 'web', { app: 'web' }));
    t.create(NODES, '', { metadata: { name: 'n1' } });
    t.delete(CM, 'a', 'web');
    expect(evs(await drain(web))).toEqual(['ADDED a/web', 'DELETED a/web']);
    expect(evs(await drain(nodes))).toEqual(['ADDED /n1']);
  });

  it('with a selector, an update that starts matching is ADDED and one that stops is DELETED', async () => {
    const t = new ObjectTracker();
    const web = t.watch(CM, '', 'app=web');
    t.create(CM, 'a', cm('a', 'x', { app: 'db' }));
    const joined = t.update(CM, 'a', cm('a', 'x', { app: 'web' }));
    t.update(CM, 'a', { ...cm('a', 'x', { app: 'web' }), data: { k: 'v' } } as KubeObject);
    const left = t.update(CM, 'a', cm('a', 'x', { app: 'db' }));
    const got = await drain(web);
    expect(evs(got)).toEqual(['ADDED a/x', 'MODIFIED a/x', 'DELETED a/x']);
    expect(got[0]!.object.metadata?.resourceVersion).toBe(joined.metadata?.resourceVersion);
    // As the apiserver: the last state that matched, at the resourceVersion of the change.
    expect(got[2]!.object.metadata?.labels).toEqual({ app: 'web' });
    expect(got[2]!.object.metadata?.resourceVersion).toBe(left.metadata?.resourceVersion);
  });

  it('sends copies and forgets a watch once it is stopped', async () => {
    const t = new ObjectTracker();
    const [w1, w2] = [t.watch(CM, 'a'), t.watch(CM, 'a')];
    t.create(CM, 'a', cm('a', 'x'));
    w1.stop();
    t.create(CM, 'a', cm('a', 'y'));
    expect(w1.pending).toBe(0);
    const got = await drain(w2);
    expect(evs(got)).toEqual(['ADDED a/x', 'ADDED a/y']);
    got[0].object.metadata!.name = 'mutated';
    expect(t.get(CM, 'a', 'x').metadata?.name).toBe('x');
  });
});

describe('mergePatch (RFC 7386) and jsonPatch (RFC 6902)', () => {
  it.each([
    ['adds and replaces keys', { a: 1, b: 2 }, { b: 3, c: 4 }, { a: 1, b: 3, c: 4 }],
    ['null deletes a key', { a: 1, b: 2 }, { a: null }, { b: 2 }],
    ['merges nested objects', { m: { x: 1, y: 2 } }, { m: { y: null, z: 3 } }, { m: { x: 1, z: 3 } }],
    ['replaces arrays whole', { l: [1, 2, 3] }, { l: [4] }, { l: [4] }],
    ['an object replaces a scalar', { a: 'v' }, { a: { b: 1 } }, { a: { b: 1 } }],
    ['a non-object patch replaces the target', { a: 1 }, [1, 2], [1, 2]],
    ['ignores __proto__ keys', { a: 1 }, JSON.parse('{"__proto__":{"polluted":true}}'), { a: 1 }],
  ])('merge: %s', (_what, target, patch, want) => {
    const before = structuredClone(target);
    expect(mergePatch(target, patch)).toEqual(want);
    expect(target).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  const doc = { a: { b: 'c' }, l: [1, 2, 3], 'x/y': 1, 'p~q': 2 };
  it.each([
    ['add a key', [{ op: 'add', path: '/a/n', value: 1 }], { a: { b: 'c', n: 1 } }],
    ['replace a key', [{ op: 'replace', path: '/a/b', value: 'd' }], { a: { b: 'd' } }],
    ['remove a key', [{ op: 'remove', path: '/a/b' }], { a: {} }],
    ['insert into an array', [{ op: 'add', path: '/l/1', value: 9 }], { l: [1, 9, 2, 3] }],
    ['append with -', [{ op: 'add', path: '/l/-', value: 4 }], { l: [1, 2, 3, 4] }],
    ['replace in an array', [{ op: 'replace', path: '/l/0', value: 0 }], { l: [0, 2, 3] }],
    ['remove from an array', [{ op: 'remove', path: '/l/2' }], { l: [1, 2] }],
    [
      'unescape ~1 and ~0',
      [
        { op: 'replace', path: '/x~1y', value: 5 },
        { op: 'remove', path: '/p~0q' },
      ],
      { 'x/y': 5 },
    ],
    [
      'pass a test, then apply',
      [
        { op: 'test', path: '/a/b', value: 'c' },
        { op: 'add', path: '/t', value: true },
      ],
      { t: true },
    ],
  ])('json: %s', (_what, ops, want) => {
    const out = jsonPatch(doc, ops) as Record<string, unknown>;
    expect(out).toMatchObject(want);
    if (!('x/y' in want) && !('p~q' in want)) expect(out).toMatchObject({ 'x/y': 1, 'p~q': 2 });
    expect(doc).toEqual({ a: { b: 'c' }, l: [1, 2, 3], 'x/y': 1, 'p~q': 2 });
  });

  it.each([
    ['a failing test', { op: 'test', path: '/a/b', value: 'nope' }, /test failed at \/a\/b/],
    ['an unsupported op', { op: 'move', from: '/a', path: '/b' }, /unsupported JSON patch op move/],
    ['a missing parent', { op: 'add', path: '/missing/x', value: 1 }, /path \/missing\/x does not exist/],
    ['a missing grandparent', { op: 'add', path: '/missing/deeper/x', value: 1 }, /does not exist/],
  ])('json: %s is Invalid (422)', (_what, op, message) => {
    const err = caught(() => jsonPatch(doc, [op]));
    expect(isInvalid(err)).toBe(true);
    expect((err as Error).message).toMatch(message);
  });
});

describe('fake Clientset over the tracker', () => {
  const seed = (): KubeObject[] => [
    cm('a', 'web', { app: 'web' }),
    cm('a', 'db', { app: 'db' }),
    cm('b', 'web', { app: 'web' }),
    pod('a', 'p'),
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'a' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { zone: 'x' } } },
  ];

  it('is seeded with objects of any kind, namespaced and cluster-scoped, as copies', async () => {
    const objects = seed();
    const { clientset: cs } = newSimpleClientset(...objects);
    expect(ids((await cs.coreV1.configMaps('').list()).items)).toEqual(['a/db', 'a/web', 'b/web']);
    expect((await cs.appsV1.deployments('a').get('d')).metadata?.uid).toMatch(/^fake-uid-/);
    expect((await cs.coreV1.namespaces.get('a')).kind).toBe('Namespace');
    expect(ids((await cs.coreV1.nodes.list()).items)).toEqual(['/n1']);
    await cs.coreV1.configMaps('a').update({ ...(await cs.coreV1.configMaps('a').get('web')), data: { v: '2' } });
    expect(objects[0]).toEqual(cm('a', 'web', { app: 'web' }));
  });

  it.each([
    ['get', 'deployments.apps "nope" not found'],
    ['delete', 'deployments.apps "nope" not found'],
    ['update', 'deployments.apps "nope" not found'],
    ['patch', 'deployments.apps "nope" not found'],
  ] as const)('%s of a missing object rejects with NotFound', async (op, message) => {
    const d = newSimpleClientset().clientset.appsV1.deployments('a');
    const call = {
      get: () => d.get('nope'),
      delete: () => d.delete('nope'),
      update: () => d.update({ metadata: { name: 'nope' } }),
      patch: () => d.patch('nope', PatchType.Merge, { metadata: { labels: { a: 'b' } } }),
    }[op];
    const err = (await rejection(call())) as StatusError;
    expect(isNotFound(err)).toBe(true);
    expect(err.message).toBe(message);
    expect(err.status.details).toMatchObject({ name: 'nope', group: 'apps', kind: 'deployments' });
  });

  it('answers create conflicts, stale updates and namespace mismatches with the Status errors', async () => {
    const { clientset: cs } = newSimpleClientset(...seed());
    const cms = cs.coreV1.configMaps('a');
    const err = (await rejection(cms.create({ metadata: { name: 'web' } }))) as StatusError;
    expect([isAlreadyExists(err), err.message]).toEqual([true, 'configmaps "web" already exists']);
    const cur = await cms.get('web');
    await cms.update({ ...cur, data: { v: '1' } });
    expect(isConflict(await rejection(cms.update({ ...cur, data: { v: 'stale' } })))).toBe(true);
    expect(isBadRequest(await rejection(cms.create({ metadata: { name: 'n', namespace: 'b' } })))).toBe(true);
    expect((await cms.get('web')).data).toEqual({ v: '1' });
  });

  it('creates from generateName through the client', async () => {
    const cms = newSimpleClientset().clientset.coreV1.configMaps('a');
    const made = await cms.create({ metadata: { generateName: 'job-' } });
    expect(made.metadata?.name).toMatch(/^job-[a-z0-9]+$/);
    expect((await cms.get(made.metadata!.name!)).metadata?.uid).toBe(made.metadata?.uid);
  });

  it('lists by label selector within a namespace or across all', async () => {
    const { clientset: cs } = newSimpleClientset(...seed());
    expect(ids((await cs.coreV1.configMaps('a').list({ labelSelector: 'app=web' })).items)).toEqual(['a/web']);
    expect(ids((await cs.coreV1.configMaps('').list({ labelSelector: 'app=web' })).items)).toEqual(['a/web', 'b/web']);
    expect(ids((await cs.coreV1.nodes.list({ labelSelector: 'zone=y' })).items)).toEqual([]);
    const list = await cs.coreV1.configMaps('a').list();
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThanOrEqual(7);
  });

  it('does not apply field selectors, as client-go’s fake (only label selectors filter)', async () => {
    const { clientset: cs } = newSimpleClientset(...seed());
    const items = (await cs.coreV1.configMaps('a').list({ fieldSelector: 'metadata.name=web' })).items;
    expect(ids(items)).toEqual(['a/db', 'a/web']);
  });

  it('watches writes after the watch starts, filtered by namespace and label selector', async () => {
    const { clientset: cs } = newSimpleClientset(...seed());
    const cms = cs.coreV1.configMaps('a');
    const [inA, webEverywhere] = await Promise.all([
      cms.watch(),
      cs.coreV1.configMaps('').watch({ labelSelector: 'app=web' }),
    ]);
    await cs.coreV1.configMaps('b').create({ metadata: { name: 'other-ns', labels: { app: 'web' } } });
    await cms.create({ metadata: { name: 'new', labels: { app: 'web' } } });
    await cms.patch('new', PatchType.Merge, { data: { a: '1' } });
    await cms.update({ ...(await cms.get('db')), data: { v: '2' } });
    await cms.delete('new');
    expect(evs(await take(inA, 4))).toEqual(['ADDED a/new', 'MODIFIED a/new', 'MODIFIED a/db', 'DELETED a/new']);
    expect(evs(await take(webEverywhere, 4))).toEqual([
      'ADDED b/other-ns',
      'ADDED a/new',
      'MODIFIED a/new',
      'DELETED a/new',
    ]);
  });

  it('watches cluster-scoped resources', async () => {
    const { clientset: cs } = newSimpleClientset(...seed());
    const w = await cs.coreV1.nodes.watch();
    await cs.coreV1.nodes.create({ metadata: { name: 'n2' } });
    await cs.coreV1.nodes.delete('n1');
    expect(evs(await take(w, 2))).toEqual(['ADDED /n2', 'DELETED /n1']);
  });

  it('deletes a collection by label selector, one DELETED event each', async () => {
    const { clientset: cs, api } = newSimpleClientset(...seed(), cm('a', 'web2', { app: 'web' }));
    const cms = cs.coreV1.configMaps('a');
    const w = await cms.watch();
    await cms.deleteCollection({}, { labelSelector: 'app=web' });
    expect(evs(await take(w, 2))).toEqual(['DELETED a/web', 'DELETED a/web2']);
    expect(ids((await cs.coreV1.configMaps('').list()).items)).toEqual(['a/db', 'b/web']);
    expect(api.actions().find((a) => a.verb === 'deletecollection')).toMatchObject({ namespace: 'a', name: '' });
  });

  it.each([
    [PatchType.Merge, { data: { b: '2', k: null } }, { b: '2' }],
    [PatchType.StrategicMerge, { data: { b: '2' } }, { k: 'web', b: '2' }],
    [PatchType.JSON, [{ op: 'add', path: '/data/b', value: '2' }], { k: 'web', b: '2' }],
    [
      PatchType.Apply,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { b: '2' } },
      { k: 'web', b: '2' },
    ],
  ])('patches with %s, bumping the resourceVersion and keeping the uid', async (type, patch, data) => {
    const { clientset: cs, api } = newSimpleClientset(cm('a', 'web'));
    const cms = cs.coreV1.configMaps('a');
    const before = await cms.get('web');
    const after =
      type === PatchType.Apply
        ? await cms.apply(patch as never, { fieldManager: 'test' })
        : await cms.patch('web', type, patch);
    expect((after as Obj).data).toEqual(data);
    expect(after.metadata?.uid).toBe(before.metadata?.uid);
    expect(Number(after.metadata?.resourceVersion)).toBeGreaterThan(Number(before.metadata?.resourceVersion));
    expect((await cms.get('web')).data).toEqual(data);
    const action = api.actions().find((a) => a.verb === 'patch');
    expect(action?.patchType).toBe(type);
    expect(action?.name).toBe('web');
  });

  it('answers an apply to a missing object with NotFound, as client-go’s NewSimpleClientset', async () => {
    const cms = newSimpleClientset().clientset.coreV1.configMaps('a');
    const err = await rejection(
      cms.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, { fieldManager: 'm' }),
    );
    expect(isNotFound(err)).toBe(true);
  });

  it('answers a JSON patch through a missing path with Invalid, leaving the object alone', async () => {
    const { clientset: cs } = newSimpleClientset(cm('a', 'web'));
    const cms = cs.coreV1.configMaps('a');
    for (const ops of [
      [{ op: 'add', path: '/spec/template/x', value: 1 }],
      [{ op: 'test', path: '/data/k', value: 'other' }],
    ]) {
      expect(isInvalid(await rejection(cms.patch('web', PatchType.JSON, ops)))).toBe(true);
    }
    expect((await cms.get('web')).metadata?.resourceVersion).toBe('1');
  });

  it('updates the status subresource, with resourceVersion checks, for namespaced and Namespace objects', async () => {
    const { clientset: cs, api } = newSimpleClientset(...seed());
    const pods = cs.coreV1.pods('a');
    const p = await pods.get('p');
    const updated = await pods.updateStatus({ ...p, status: { phase: 'Running' } });
    expect(updated.status?.phase).toBe('Running');
    expect((await pods.get('p')).status?.phase).toBe('Running');
    expect(isConflict(await rejection(pods.updateStatus({ ...p, status: { phase: 'Failed' } })))).toBe(true);
    const patched = await pods.patch('p', PatchType.Merge, { status: { podIP: '10.0.0.1' } }, {}, 'status');
    expect(patched.status).toEqual({ phase: 'Running', podIP: '10.0.0.1' });

    const ns = await cs.coreV1.namespaces.get('a');
    await cs.coreV1.namespaces.updateStatus({ ...ns, status: { phase: 'Terminating' } });
    await cs.coreV1.namespaces.finalize('a', { ...(await cs.coreV1.namespaces.get('a')), spec: { finalizers: [] } });
    expect(await cs.coreV1.namespaces.get('a')).toMatchObject({
      status: { phase: 'Terminating' },
      spec: { finalizers: [] },
    });
    const writes = api.actions().filter((a) => a.verb !== 'get');
    expect(writes.map((a) => [a.verb, a.resource.resource, a.namespace, a.name, a.subresource])).toEqual([
      ['update', 'pods', 'a', 'p', 'status'],
      ['update', 'pods', 'a', 'p', 'status'],
      ['patch', 'pods', 'a', 'p', 'status'],
      ['update', 'namespaces', '', 'a', 'status'],
      ['update', 'namespaces', '', 'a', 'finalize'],
    ]);
  });

  it('answers POSTs to subresources (eviction) with the body, without touching the object, as client-go', async () => {
    const { clientset: cs, api } = newSimpleClientset(...seed());
    const eviction = {
      apiVersion: 'policy/v1' as const,
      kind: 'Eviction' as const,
      metadata: { name: 'p', namespace: 'a' },
    };
    expect(await cs.coreV1.pods('a').evict('p', eviction)).toEqual(eviction);
    expect((await cs.coreV1.pods('a').get('p')).metadata?.resourceVersion).toBe('4');
    expect(api.actions()[0]).toMatchObject({ verb: 'create', name: 'p', subresource: 'eviction', object: eviction });
    expect(
      isNotFound(await rejection(cs.coreV1.pods('a').evict('gone', { ...eviction, metadata: { name: 'gone' } }))),
    ).toBe(true);
  });

  it('works for the dynamic client on custom resources', async () => {
    const gvr = { group: 'samplecontroller.k8s.io', version: 'v1alpha1', resource: 'foos' };
    const foo = (name: string) => ({
      apiVersion: 'samplecontroller.k8s.io/v1alpha1',
      kind: 'Foo',
      metadata: { name, namespace: 'ns' },
    });
    const { client } = newSimpleDynamicClient([{ gvr, object: foo('f1') }]);
    const foos = client.resource(gvr).namespace('ns');
    await foos.create(foo('f2'));
    expect(ids((await foos.list()).items)).toEqual(['ns/f1', 'ns/f2']);
    await foos.delete('f1');
    const err = (await rejection(foos.get('f1'))) as StatusError;
    expect(err.message).toBe('foos.samplecontroller.k8s.io "f1" not found');
    expect(isAlreadyExists(await rejection(foos.create(foo('f2'))))).toBe(true);
  });
});

describe('fake Clientset: recorded actions', () => {
  const cs0 = () =>
    newSimpleClientset(cm('a', 'web'), pod('a', 'p'), { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
  type Cs = ReturnType<typeof cs0>['clientset'];
  it.each<[string, (cs: Cs) => Promise<unknown>, Omit<Partial<Action>, 'resource'> & { resource: string }]>([
    [
      'get',
      (cs) => cs.coreV1.configMaps('a').get('web'),
      { verb: 'get', resource: 'configmaps', namespace: 'a', name: 'web' },
    ],
    [
      'list',
      (cs) => cs.coreV1.configMaps('a').list(),
      { verb: 'list', resource: 'configmaps', namespace: 'a', name: '' },
    ],
    ['list all', (cs) => cs.coreV1.configMaps('').list(), { verb: 'list', resource: 'configmaps', namespace: '' }],
    [
      'watch',
      (cs) =>
        cs.coreV1
          .configMaps('a')
          .watch()
          .then((w) => w.stop()),
      { verb: 'watch', resource: 'configmaps', namespace: 'a' },
    ],
    [
      'create',
      (cs) => cs.coreV1.configMaps('a').create({ metadata: { name: 'n' } }),
      { verb: 'create', resource: 'configmaps', name: '' },
    ],
    [
      'update',
      (cs) => cs.coreV1.configMaps('a').update({ metadata: { name: 'web' } }),
      { verb: 'update', resource: 'configmaps', name: 'web' },
    ],
    [
      'update status',
      (cs) => cs.coreV1.pods('a').updateStatus({ metadata: { name: 'p' } }),
      { verb: 'update', resource: 'pods', subresource: 'status' },
    ],
    [
      'patch',
      (cs) => cs.coreV1.configMaps('a').patch('web', PatchType.Merge, {}),
      { verb: 'patch', resource: 'configmaps', name: 'web', subresource: '' },
    ],
    [
      'delete',
      (cs) => cs.coreV1.configMaps('a').delete('web'),
      { verb: 'delete', resource: 'configmaps', namespace: 'a', name: 'web' },
    ],
    [
      'delete collection',
      (cs) => cs.coreV1.configMaps('a').deleteCollection(),
      { verb: 'deletecollection', resource: 'configmaps', namespace: 'a' },
    ],
    [
      'cluster-scoped get',
      (cs) => cs.coreV1.nodes.get('n1'),
      { verb: 'get', resource: 'nodes', namespace: '', name: 'n1' },
    ],
    [
      'group resource',
      (cs) => cs.appsV1.deployments('a').list(),
      { verb: 'list', resource: 'deployments', namespace: 'a' },
    ],
  ])('%s', async (_what, call, want) => {
    const { clientset: cs, api } = cs0();
    await call(cs);
    const [action, ...rest] = api.actions();
    expect(rest).toEqual([]);
    const { resource, ...fields } = want;
    expect(action.resource.resource).toBe(resource);
    expect(action).toMatchObject({ subresource: '', ...fields });
    expect(action.resource.version).toBe('v1');
    expect(action.resource.group).toBe(resource === 'deployments' ? 'apps' : '');
  });

  it('records the object sent with creates and updates, and failed calls too', async () => {
    const { clientset: cs, api } = cs0();
    await cs.coreV1.configMaps('a').create({ metadata: { name: 'n' }, data: { x: '1' } });
    await rejection(cs.coreV1.configMaps('a').get('missing'));
    const [create, get] = api.actions();
    expect(create.object).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n' }, data: { x: '1' } });
    expect(get).toMatchObject({ verb: 'get', name: 'missing' });
  });
});

describe('fake Clientset: reactors', () => {
  const setup = () => newSimpleClientset(cm('a', 'web'), pod('a', 'p'));

  it('lets a reactor answer with an object instead of the tracker', async () => {
    const { clientset: cs, api } = setup();
    api.prependReactor('get', 'configmaps', (a) => ({
      handled: true,
      object: { ...cm(a.namespace, a.name), data: { from: 'reactor' } },
    }));
    expect((await cs.coreV1.configMaps('a').get('anything')).data).toEqual({ from: 'reactor' });
    expect((await cs.coreV1.pods('a').get('p')).metadata?.name).toBe('p');
  });

  it('lets a reactor inject errors of any kind; the tracker is not touched', async () => {
    const { clientset: cs, api } = setup();
    api.prependReactor('create', '*', () => ({
      handled: true,
      error: new StatusError({ code: 403, reason: 'Forbidden', message: 'quota says no' }),
    }));
    const err = await rejection(cs.coreV1.configMaps('a').create({ metadata: { name: 'n' } }));
    expect([isForbidden(err), (err as Error).message]).toEqual([true, 'quota says no']);
    api.clearActions();
    expect(isNotFound(await rejection(cs.coreV1.configMaps('a').get('n')))).toBe(true);
  });

  it('passes actions on when a reactor does not handle them; the newest reactor runs first', async () => {
    const { clientset: cs, api } = setup();
    const seen: string[] = [];
    api.prependReactor('*', '*', (a) => {
      seen.push(`${a.verb} ${a.resource.resource}`);
      return { handled: false };
    });
    api.prependReactor('update', 'configmaps', () => ({
      handled: true,
      error: new StatusError({ code: 409, reason: 'Conflict', message: 'older' }),
    }));
    api.prependReactor('update', 'configmaps', () => ({
      handled: true,
      error: new StatusError({ code: 500, reason: 'InternalError', message: 'newer' }),
    }));
    expect((await cs.coreV1.configMaps('a').get('web')).metadata?.name).toBe('web');
    expect(((await rejection(cs.coreV1.configMaps('a').update({ metadata: { name: 'web' } }))) as Error).message).toBe(
      'newer',
    );
    expect(seen).toEqual(['get configmaps']);
  });

  it('matches reactors by verb and resource, and by resource/subresource as client-go', async () => {
    const { clientset: cs, api } = setup();
    api.prependReactor('update', 'pods/status', () => ({
      handled: true,
      error: new StatusError({ code: 409, reason: 'Conflict', message: 'status conflict' }),
    }));
    api.prependReactor('delete', 'pods', () => ({
      handled: true,
      error: new StatusError({ code: 403, reason: 'Forbidden' }),
    }));
    const pods = cs.coreV1.pods('a');
    expect(isConflict(await rejection(pods.updateStatus({ metadata: { name: 'p' } })))).toBe(true);
    expect((await pods.update({ metadata: { name: 'p' }, spec: { containers: [] } })).metadata?.name).toBe('p');
    expect(isForbidden(await rejection(pods.delete('p')))).toBe(true);
    await cs.coreV1.configMaps('a').delete('web');
    expect(api.actions().map((a) => `${a.verb} ${a.resource.resource}/${a.subresource}`)).toEqual([
      'update pods/status',
      'update pods/',
      'delete pods/',
      'delete configmaps/',
    ]);
  });

  it('lets a reactor refuse a watch', async () => {
    const { clientset: cs, api } = setup();
    api.prependReactor('watch', 'configmaps', () => ({
      handled: true,
      error: new StatusError({ code: 403, reason: 'Forbidden' }),
    }));
    expect(isForbidden(await rejection(cs.coreV1.configMaps('a').watch()))).toBe(true);
    const w = await cs.coreV1.pods('a').watch();
    w.stop();
  });
});

describe('informers over the fake', () => {
  it('sync the seeded objects and see later writes, filtered by namespace and label selector', async () => {
    const { clientset: cs, api } = newSimpleClientset(
      cm('a', 'web', { app: 'web' }),
      cm('a', 'db', { app: 'db' }),
      cm('b', 'web', { app: 'web' }),
    );
    const informer = new SharedIndexInformer(
      listWatchFromResource(cs.coreV1.configMaps('a'), (o) => {
        o.labelSelector = 'app=web';
      }),
    );
    const seen: string[] = [];
    const name = (o: unknown) => (o as KubeObject).metadata?.name;
    informer.addEventHandler({
      onAdd: (o) => void seen.push(`add ${name(o)}`),
      onUpdate: (_o, n) => void seen.push(`update ${name(n)} ${(n as Obj).data?.v}`),
      onDelete: (o) => void seen.push(`delete ${name(o)}`),
    });
    const ac = new AbortController();
    const done = informer.run(ac.signal);
    try {
      await waitForCacheSync(ac.signal, () => informer.hasSynced());
      // the fake does not replay from a resourceVersion: write once the informer's watch is registered
      await until(() => api.actions().some((a) => a.verb === 'watch'));
      expect(informer.getStore().listKeys()).toEqual(['a/web']);
      const cms = cs.coreV1.configMaps('a');
      await cs.coreV1.configMaps('b').create({ metadata: { name: 'elsewhere', labels: { app: 'web' } } });
      await cms.create({ metadata: { name: 'unlabelled' } });
      await cms.create({ metadata: { name: 'web2', labels: { app: 'web' } } });
      await cms.patch('web2', PatchType.Merge, { data: { v: '2' } });
      await cms.delete('web');
      await until(() => seen.length >= 4);
      expect(seen).toEqual(['add web', 'add web2', 'update web2 2', 'delete web']);
      expect(informer.getStore().listKeys()).toEqual(['a/web2']);
    } finally {
      ac.abort();
      await done;
    }
  });
});
