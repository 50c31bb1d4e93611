// The controller toolkit's helpers: status conditions with apimachinery's lastTransitionTime
// rules, owner references (setControllerReference's refusals), finalizers (add, remove, the
// finalize dance over the fake clientset), predicates, reconcile results and request keys.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/apimachinery/meta.js';
import {
  addFinalizer,
  and,
  annotationsChanged,
  asError,
  type Condition,
  controllerReference,
  done,
  finalize,
  findStatusCondition,
  generationChanged,
  getControllerOf,
  hasFinalizer,
  isControlledBy,
  isStatusConditionFalse,
  isStatusConditionTrue,
  labelsChanged,
  not,
  OwnerReferenceError,
  or,
  predicate,
  removeFinalizer,
  removeStatusCondition,
  requestKey,
  requestOfKey,
  requeue,
  requeueAfter,
  resourceVersionChanged,
  setControllerReference,
  setOwnerReference,
  setStatusCondition,
} from '../../../src/controller/index.js';
import { newSimpleClientset } from '../../../src/fake/index.js';
import { caught } from '../../support/caught.js';

const t0 = () => new Date(Date.UTC(2026, 0, 1, 0, 0, 0));
const t1 = () => new Date(Date.UTC(2026, 0, 2, 0, 0, 0));

describe('status conditions', () => {
  it.each<{ name: string; start: Condition[]; set: Condition; changed: boolean; want: Condition }>([
    {
      name: 'a new condition gets now as lastTransitionTime',
      start: [],
      set: { type: 'Ready', status: 'True', reason: 'Synced' },
      changed: true,
      want: { type: 'Ready', status: 'True', reason: 'Synced', lastTransitionTime: '2026-01-02T00:00:00Z' },
    },
    {
      name: 'a new condition keeps a given lastTransitionTime',
      start: [],
      set: { type: 'Ready', status: 'True', reason: 'Synced', lastTransitionTime: '2025-05-05T00:00:00Z' },
      changed: true,
      want: { type: 'Ready', status: 'True', reason: 'Synced', lastTransitionTime: '2025-05-05T00:00:00Z' },
    },
    {
      name: 'same status: reason, message and generation change, the transition time stays',
      start: [{ type: 'Ready', status: 'True', reason: 'A', lastTransitionTime: '2026-01-01T00:00:00Z' }],
      set: { type: 'Ready', status: 'True', reason: 'B', message: 'm', observedGeneration: 3 },
      changed: true,
      want: {
        type: 'Ready',
        status: 'True',
        reason: 'B',
        message: 'm',
        observedGeneration: 3,
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    },
    {
      name: 'a status change moves the transition time to now',
      start: [{ type: 'Ready', status: 'True', reason: 'A', lastTransitionTime: '2026-01-01T00:00:00Z' }],
      set: { type: 'Ready', status: 'False', reason: 'A' },
      changed: true,
      want: { type: 'Ready', status: 'False', reason: 'A', lastTransitionTime: '2026-01-02T00:00:00Z' },
    },
    {
      name: 'nothing new: unchanged',
      start: [{ type: 'Ready', status: 'True', reason: 'A', lastTransitionTime: '2026-01-01T00:00:00Z' }],
      set: { type: 'Ready', status: 'True', reason: 'A' },
      changed: false,
      want: { type: 'Ready', status: 'True', reason: 'A', lastTransitionTime: '2026-01-01T00:00:00Z' },
    },
  ])('$name', ({ start, set, changed, want }) => {
    const conditions = structuredClone(start);
    expect(setStatusCondition(conditions, set, t1)).toBe(changed);
    expect(conditions).toEqual([want]);
  });

  it('finds, tests and removes conditions', () => {
    const cs: Condition[] = [];
    setStatusCondition(cs, { type: 'Ready', status: 'True', reason: 'r' }, t0);
    setStatusCondition(cs, { type: 'Degraded', status: 'False', reason: 'r' }, t0);
    expect(findStatusCondition(cs, 'Ready')?.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
    expect(isStatusConditionTrue(cs, 'Ready')).toBe(true);
    expect(isStatusConditionTrue(cs, 'Degraded')).toBe(false);
    expect(isStatusConditionFalse(cs, 'Degraded')).toBe(true);
    expect(isStatusConditionFalse(undefined, 'Degraded')).toBe(false);
    expect(removeStatusCondition(cs, 'Degraded')).toBe(true);
    expect(removeStatusCondition(cs, 'Degraded')).toBe(false);
    expect(cs.map((c) => c.type)).toEqual(['Ready']);
  });
});

describe('owner references', () => {
  const foo: KubeObject = { metadata: { name: 'foo', namespace: 'ns', uid: 'u1' } };
  const fooType = { apiVersion: 'samplecontroller.k8s.io/v1alpha1', kind: 'Foo' };

  it('makes the owner the controller, once, and reads it back', () => {
    const dep: KubeObject = { metadata: { name: 'd', namespace: 'ns' } };
    setControllerReference(foo, dep, fooType);
    setControllerReference(foo, dep, fooType);
    expect(dep.metadata?.ownerReferences).toEqual([
      { ...fooType, name: 'foo', uid: 'u1', controller: true, blockOwnerDeletion: true },
    ]);
    expect(getControllerOf(dep)?.name).toBe('foo');
    expect(isControlledBy(dep, foo)).toBe(true);
    expect(isControlledBy(dep, { metadata: { name: 'foo', uid: 'other' } })).toBe(false);
    expect(isControlledBy(undefined, foo)).toBe(false);
  });

  it.each<[string, KubeObject, KubeObject, RegExp]>([
    ['an owner without a kind', foo, { metadata: { name: 'd', namespace: 'ns' } }, /no apiVersion\/kind/],
    [
      'an owner without a uid',
      { ...fooType, metadata: { name: 'foo', namespace: 'ns' } },
      { metadata: { name: 'd', namespace: 'ns' } },
      /no name or uid/,
    ],
    [
      'an object in another namespace',
      { ...fooType, ...foo },
      { metadata: { name: 'd', namespace: 'other' } },
      /cross-namespace/,
    ],
    [
      'an object with another controller',
      { ...fooType, ...foo },
      {
        metadata: {
          name: 'd',
          namespace: 'ns',
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u9', controller: true }],
        },
      },
      /already controlled by ReplicaSet rs/,
    ],
  ])('refuses %s with an OwnerReferenceError', (_name, owner, obj, message) => {
    const err = caught(() => setControllerReference(owner, obj));
    expect(err).toBeInstanceOf(OwnerReferenceError);
    expect((err as Error).message).toMatch(message);
  });

  it('adds plain owner references beside the controller', () => {
    const dep: KubeObject = { metadata: { name: 'd', namespace: 'ns' } };
    setOwnerReference(foo, dep, fooType);
    expect(dep.metadata?.ownerReferences?.[0]).toEqual({ ...fooType, name: 'foo', uid: 'u1' });
    expect(getControllerOf(dep)).toBeUndefined();
    expect(controllerReference({ ...fooType, ...foo }).controller).toBe(true);
  });
});

describe('finalizers', () => {
  it('adds and removes in place, reporting changes', () => {
    const o: KubeObject = { metadata: { name: 'x' } };
    expect(addFinalizer(o, 'a/b')).toBe(true);
    expect(addFinalizer(o, 'a/b')).toBe(false);
    expect(hasFinalizer(o, 'a/b')).toBe(true);
    expect(removeFinalizer(o, 'a/b')).toBe(true);
    expect(removeFinalizer(o, 'a/b')).toBe(false);
    expect(o.metadata?.finalizers).toEqual([]);
  });

  it('finalize: adds to live objects, cleans up then removes on deletion, leaves it on a failed cleanup', async () => {
    const { clientset } = newSimpleClientset({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'ns', finalizers: ['other/x'] },
    });
    const cms = clientset.coreV1.configMaps('ns');
    let cleanups = 0;
    const cleanup = () => {
      cleanups++;
    };
    expect(await finalize(cms, await cms.get('c'), 'me/cleanup', cleanup)).toBe('added');
    expect((await cms.get('c')).metadata?.finalizers).toEqual(['other/x', 'me/cleanup']);
    expect(await finalize(cms, await cms.get('c'), 'me/cleanup', cleanup)).toBe('none');

    const deleting = await cms.get('c');
    deleting.metadata!.deletionTimestamp = '2026-01-01T00:00:00Z';
    const failing = () => {
      throw new Error('external system down');
    };
    await expect(finalize(cms, deleting, 'me/cleanup', failing)).rejects.toThrow('external system down');
    expect((await cms.get('c')).metadata?.finalizers).toContain('me/cleanup');
    expect(await finalize(cms, deleting, 'me/cleanup', cleanup)).toBe('finalized');
    expect(cleanups).toBe(1);
    expect((await cms.get('c')).metadata?.finalizers).toEqual(['other/x']);
    const gone = { ...deleting, metadata: { ...deleting.metadata, finalizers: ['other/x'] } };
    expect(await finalize(cms, gone, 'me/cleanup', cleanup)).toBe('deleting');
  });
});

describe('predicates', () => {
  const obj = (gen: number, labels: Record<string, string> = {}, annotations: Record<string, string> = {}, rv = '1') =>
    ({ metadata: { name: 'x', generation: gen, labels, annotations, resourceVersion: rv } }) as KubeObject;

  it.each<[string, ReturnType<typeof generationChanged>, KubeObject, KubeObject, boolean]>([
    ['generationChanged: spec change', generationChanged(), obj(1), obj(2), true],
    ['generationChanged: status change', generationChanged(), obj(1, {}, {}, '1'), obj(1, {}, {}, '2'), false],
    ['labelsChanged: added label', labelsChanged(), obj(1), obj(1, { a: 'b' }), true],
    ['labelsChanged: same labels', labelsChanged(), obj(1, { a: 'b' }), obj(1, { a: 'b' }), false],
    ['annotationsChanged: changed value', annotationsChanged(), obj(1, {}, { a: '1' }), obj(1, {}, { a: '2' }), true],
    ['annotationsChanged: none', annotationsChanged(), obj(1), obj(2), false],
    ['resourceVersionChanged: resync', resourceVersionChanged(), obj(1), obj(1), false],
    ['or: either', or(generationChanged(), labelsChanged()), obj(1), obj(1, { a: 'b' }), true],
    ['and: both needed', and(generationChanged(), labelsChanged()), obj(1), obj(2), false],
    ['not: inverts', not(generationChanged()), obj(1), obj(1), true],
    ['custom: new object decides', predicate((o) => o.metadata?.labels?.on === 'y'), obj(1), obj(1, { on: 'y' }), true],
  ])('%s', (_name, p, oldObj, newObj, want) => {
    expect(p.update ? p.update(oldObj, newObj) : true).toBe(want);
  });

  it('update-only predicates let creates and deletes through', () => {
    expect(generationChanged().create).toBeUndefined();
    expect(or(generationChanged()).create?.(obj(1))).toBe(true);
    expect(predicate(() => false).delete?.(obj(1))).toBe(false);
  });
});

describe('results, requests and thrown values', () => {
  it('spells results and keys', () => {
    expect(done()).toBeUndefined();
    expect(requeue()).toEqual({ requeue: true });
    expect(requeueAfter(500)).toEqual({ requeueAfterMs: 500 });
    expect(requestKey({ namespace: 'ns', name: 'a' })).toBe('ns/a');
    expect(requestKey({ namespace: '', name: 'node-1' })).toBe('node-1');
    expect(requestOfKey('ns/a')).toEqual({ namespace: 'ns', name: 'a' });
    expect(requestOfKey('node-1')).toEqual({ namespace: '', name: 'node-1' });
  });

  it.each<[unknown, string]>([
    ['boom', 'non-Error value thrown: boom'],
    [{ code: 7 }, 'non-Error value thrown: {"code":7}'],
    [undefined, 'non-Error value thrown: undefined'],
    [42n, 'non-Error value thrown: 42'],
  ])('asError(%s)', (thrown, message) => {
    expect(asError(thrown).message).toBe(message);
  });
});
