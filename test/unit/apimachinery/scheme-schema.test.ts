// Group/version/kind/resource parsing and formatting (apimachinery runtime/schema), the kind <->
// resource Scheme, patch content types and the unstructured nested-field helpers (helpers_test.go).
import { describe, expect, it } from 'vitest';
import { PatchType } from '../../../src/apimachinery/meta.js';
import {
  type GroupVersion,
  groupVersionString,
  gvkFromApiVersionKind,
  gvkString,
  gvrString,
  parseGroupVersion,
  parseResourceArg,
} from '../../../src/apimachinery/schema.js';
import { type KindInfo, Scheme } from '../../../src/apimachinery/scheme.js';
import {
  nestedBool,
  nestedField,
  nestedInt64,
  nestedMap,
  nestedSlice,
  nestedString,
  nestedStringMap,
  removeNestedField,
  setNestedField,
  UnstructuredTypeError,
} from '../../../src/apimachinery/unstructured.js';

describe('parseGroupVersion / groupVersionString', () => {
  it.each<[string, GroupVersion]>([
    ['', { group: '', version: '' }],
    ['/', { group: '', version: '' }],
    ['v1', { group: '', version: 'v1' }],
    ['apps/v1', { group: 'apps', version: 'v1' }],
    ['rbac.authorization.k8s.io/v1', { group: 'rbac.authorization.k8s.io', version: 'v1' }],
    ['example.com/v1alpha1', { group: 'example.com', version: 'v1alpha1' }],
    ['apps/', { group: 'apps', version: '' }],
    ['/v1', { group: '', version: 'v1' }],
  ])('parses %j', (s, gv) => expect(parseGroupVersion(s)).toEqual(gv));

  it.each(['a/b/c', '/v1/', '//', 'apps/v1/deployments'])('rejects %j as client-go does', (s) =>
    expect(() => parseGroupVersion(s)).toThrow(`unexpected GroupVersion string: ${s}`),
  );

  it.each<[GroupVersion, string]>([
    [{ group: '', version: 'v1' }, 'v1'],
    [{ group: 'apps', version: 'v1' }, 'apps/v1'],
    [{ group: 'example.com', version: 'v1beta1' }, 'example.com/v1beta1'],
    [{ group: '', version: '' }, ''],
  ])('formats %j as %j', (gv, s) => expect(groupVersionString(gv)).toBe(s));

  it.each(['v1', 'apps/v1', 'example.com/v1beta1'])('round-trips %j', (s) =>
    expect(groupVersionString(parseGroupVersion(s))).toBe(s),
  );
});

describe('GVK / GVR helpers', () => {
  it.each([
    ['apps/v1', 'Deployment', { group: 'apps', version: 'v1', kind: 'Deployment' }],
    ['v1', 'Pod', { group: '', version: 'v1', kind: 'Pod' }],
    ['', 'Status', { group: '', version: '', kind: 'Status' }],
    // client-go's FromAPIVersionAndKind keeps only the kind of an apiVersion that does not parse.
    ['a/b/c', 'Foo', { group: '', version: '', kind: 'Foo' }],
  ])('gvkFromApiVersionKind(%j, %j)', (apiVersion, kind, gvk) =>
    expect(gvkFromApiVersionKind(apiVersion, kind)).toEqual(gvk),
  );

  // client-go's String() joins group and version with a slash even for the core group.
  it.each([
    [{ group: 'apps', version: 'v1', kind: 'Deployment' }, 'apps/v1, Kind=Deployment'],
    [{ group: '', version: 'v1', kind: 'Pod' }, '/v1, Kind=Pod'],
    [{ group: '', version: '', kind: '' }, '/, Kind='],
  ])('gvkString(%j) = %j', (gvk, s) => expect(gvkString(gvk)).toBe(s));

  it.each([
    [{ group: 'apps', version: 'v1', resource: 'deployments' }, 'apps/v1, Resource=deployments'],
    [{ group: '', version: 'v1', resource: 'pods' }, '/v1, Resource=pods'],
  ])('gvrString(%j) = %j', (gvr, s) => expect(gvrString(gvr)).toBe(s));

  it.each([
    ['deployments', undefined, { group: '', resource: 'deployments' }],
    ['deployments.apps', undefined, { group: 'apps', resource: 'deployments' }],
    [
      'deployments.v1.apps',
      { group: 'apps', version: 'v1', resource: 'deployments' },
      { group: 'v1.apps', resource: 'deployments' },
    ],
    // Three or more segments are read both ways; the caller decides which one exists.
    [
      'foos.example.com',
      { group: 'com', version: 'example', resource: 'foos' },
      { group: 'example.com', resource: 'foos' },
    ],
    [
      'foos.v1alpha1.example.com',
      { group: 'example.com', version: 'v1alpha1', resource: 'foos' },
      { group: 'v1alpha1.example.com', resource: 'foos' },
    ],
    ['a..', { group: '', version: '', resource: 'a' }, { group: '.', resource: 'a' }],
  ])('parseResourceArg(%j)', (arg, gvr, gr) => expect(parseResourceArg(arg)).toEqual({ gvr, gr }));
});

describe('Scheme', () => {
  const pod: KindInfo = {
    group: '',
    version: 'v1',
    kind: 'Pod',
    resource: 'pods',
    namespaced: true,
    listKind: 'PodList',
  };
  const ns: KindInfo = { group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', namespaced: false };
  const deploy: KindInfo = {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    resource: 'deployments',
    namespaced: true,
  };
  const scheme = () => new Scheme().register(pod, ns).register(deploy);

  it.each([
    [{ group: '', version: 'v1', resource: 'pods' }, pod],
    [{ group: '', version: 'v1', resource: 'namespaces' }, ns],
    [{ group: 'apps', version: 'v1', resource: 'deployments' }, deploy],
    [{ group: 'apps', version: 'v1beta1', resource: 'deployments' }, undefined],
    [{ group: '', version: 'v1', resource: 'deployments' }, undefined],
    [{ group: 'apps', version: 'v1', resource: 'Deployment' }, undefined],
  ])('kindFor(%j)', (gvr, info) => expect(scheme().kindFor(gvr)).toBe(info));

  it.each([
    [{ group: '', version: 'v1', kind: 'Pod' }, pod],
    [{ group: 'apps', version: 'v1', kind: 'Deployment' }, deploy],
    [{ group: 'apps', version: 'v1', kind: 'deployments' }, undefined],
    [{ group: 'extensions', version: 'v1', kind: 'Deployment' }, undefined],
  ])('resourceFor(%j)', (gvk, info) => expect(scheme().resourceFor(gvk)).toBe(info));

  it.each([
    ['v1', 'Pod', pod],
    ['v1', 'Namespace', ns],
    ['apps/v1', 'Deployment', deploy],
    ['apps/v1beta2', 'Deployment', undefined],
    ['v1', 'Deployment', undefined],
    ['apps/v1', 'Pod', undefined],
    ['', 'Pod', undefined],
    ['a/b/c', 'Pod', undefined],
  ])('byApiVersionKind(%j, %j)', (apiVersion, kind, info) =>
    expect(scheme().byApiVersionKind(apiVersion, kind)).toBe(info),
  );

  it('lists the registered kinds in registration order; an empty scheme knows nothing', () => {
    expect(scheme().kinds()).toEqual([pod, ns, deploy]);
    const empty = new Scheme();
    expect(empty.kinds()).toEqual([]);
    expect(empty.byApiVersionKind('v1', 'Pod')).toBeUndefined();
  });

  it('keeps the same kind in two versions apart', () => {
    const v1beta1 = { ...deploy, version: 'v1beta1' };
    const s = scheme().register(v1beta1);
    expect(s.byApiVersionKind('apps/v1beta1', 'Deployment')).toBe(v1beta1);
    expect(s.byApiVersionKind('apps/v1', 'Deployment')).toBe(deploy);
    expect(s.kinds()).toHaveLength(4);
  });

  it('lets a later registration of a kind win, also over its old resource', () => {
    const renamed: KindInfo = { ...deploy, resource: 'deploys', namespaced: false };
    const s = scheme().register(renamed);
    expect(s.resourceFor({ group: 'apps', version: 'v1', kind: 'Deployment' })).toBe(renamed);
    expect(s.kindFor({ group: 'apps', version: 'v1', resource: 'deploys' })).toBe(renamed);
    expect(s.kindFor({ group: 'apps', version: 'v1', resource: 'deployments' })).toBeUndefined();
    expect(s.kinds()).toEqual([pod, ns, renamed]);
  });

  it('lets a later registration of a resource win for kindFor without dropping the other kind', () => {
    const other: KindInfo = { ...pod, kind: 'PodV2' };
    const s = scheme().register(other);
    expect(s.kindFor({ group: '', version: 'v1', resource: 'pods' })).toBe(other);
    expect(s.resourceFor({ group: '', version: 'v1', kind: 'Pod' })).toBe(pod);
  });
});

describe('PatchType', () => {
  it('uses the content types the apiserver understands (apimachinery types.PatchType)', () =>
    expect(PatchType).toEqual({
      JSON: 'application/json-patch+json',
      Merge: 'application/merge-patch+json',
      StrategicMerge: 'application/strategic-merge-patch+json',
      Apply: 'application/apply-patch+yaml',
    }));
});

describe('nestedField (client-go NestedFieldNoCopy)', () => {
  const target = { foo: 'bar' };
  const obj = { a: { b: target, c: null, d: ['foo'], e: [{ f: 'bar' }], s: 'str' } };

  it.each<[string, string[], { value: unknown; found: boolean }]>([
    ['an existing field', ['a', 'b'], { value: target, found: true }],
    ['a null field', ['a', 'c'], { value: null, found: true }],
    ['a missing field', ['a', 'g'], { value: undefined, found: false }],
    ['a missing field on the way', ['a', 'g', 'f'], { value: undefined, found: false }],
    ['a null field on the way', ['a', 'c', 'f'], { value: undefined, found: false }],
    ['array syntax, which is not supported', ['a', 'e[0]'], { value: undefined, found: false }],
    ['no fields: the object itself', [], { value: obj, found: true }],
    ['an inherited property', ['a', 'toString'], { value: undefined, found: false }],
  ])('%s', (_what, fields, want) => expect(nestedField(obj, ...fields)).toEqual(want));

  it('returns a reference, not a copy', () => expect(nestedField(obj, 'a', 'b').value).toBe(target));

  it.each([
    // As client-go, the path names the field that was looked up in the value that is not an object.
    [['a', 'd', 'foo'], '.a.d.foo accessor error: ["foo"] is of the type array'],
    [['a', 's', 'x'], '.a.s.x accessor error: "str" is of the type string'],
    [['a', 'b', 'foo', 'x'], '.a.b.foo.x accessor error'],
  ])('throws UnstructuredTypeError when %j walks through a value that is not an object', (fields, message) => {
    expect(() => nestedField(obj, ...fields)).toThrow(UnstructuredTypeError);
    expect(() => nestedField(obj, ...fields)).toThrow(message);
  });

  it('finds nothing in null or undefined', () => {
    expect(nestedField(null, 'a')).toEqual({ value: undefined, found: false });
    expect(nestedField(undefined, 'a')).toEqual({ value: undefined, found: false });
  });
});

type Getter = (o: unknown, ...fields: string[]) => { value: unknown; found: boolean };

describe('typed nested getters', () => {
  const obj = {
    spec: { n: 3, f: 1.5, s: 'x', t: true, list: [1, 'a'], m: { k: 'v' }, mixed: { k: 1 }, nil: null, zero: 0 },
  };

  it.each<[string, string, Getter, unknown]>([
    ['nestedInt64', 'n', nestedInt64, 3],
    ['nestedInt64', 'zero', nestedInt64, 0],
    ['nestedString', 's', nestedString, 'x'],
    ['nestedBool', 't', nestedBool, true],
    ['nestedSlice', 'list', nestedSlice, [1, 'a']],
    ['nestedMap', 'm', nestedMap, { k: 'v' }],
    ['nestedMap', 'mixed', nestedMap, { k: 1 }],
    ['nestedStringMap', 'm', nestedStringMap, { k: 'v' }],
  ])('%s(spec.%s) finds its value', (_name, field, get, value) =>
    expect(get(obj, 'spec', field)).toEqual({ value, found: true }),
  );

  it.each<[string, string, Getter, string]>([
    ['nestedInt64', 'f', nestedInt64, 'expected int64'],
    ['nestedInt64', 's', nestedInt64, 'expected int64'],
    ['nestedString', 'n', nestedString, 'expected string'],
    ['nestedBool', 's', nestedBool, 'expected bool'],
    ['nestedSlice', 'm', nestedSlice, 'expected []interface {}'],
    ['nestedMap', 'list', nestedMap, 'expected map[string]interface {}'],
    ['nestedMap', 's', nestedMap, 'expected map[string]interface {}'],
    ['nestedStringMap', 'mixed', nestedStringMap, 'expected map[string]string'],
    ['nestedStringMap', 'list', nestedStringMap, 'expected map[string]string'],
  ])('%s(spec.%s) throws a type error', (_name, field, get, expected) => {
    expect(() => get(obj, 'spec', field)).toThrow(UnstructuredTypeError);
    expect(() => get(obj, 'spec', field)).toThrow(`.spec.${field} accessor error:`);
    expect(() => get(obj, 'spec', field)).toThrow(expected);
  });

  it.each([
    ['nestedInt64', nestedInt64],
    ['nestedString', nestedString],
    ['nestedBool', nestedBool],
    ['nestedSlice', nestedSlice],
    ['nestedMap', nestedMap],
    ['nestedStringMap', nestedStringMap],
  ] as const)('%s reports missing and null fields as not found', (_name, get) => {
    expect(get(obj, 'spec', 'missing')).toEqual({ value: undefined, found: false });
    expect(get(obj, 'spec', 'nil')).toEqual({ value: undefined, found: false });
    expect(get(obj, 'spec', 'nil', 'deeper')).toEqual({ value: undefined, found: false });
    expect(() => get(obj, 'spec', 's', 'deeper')).toThrow(UnstructuredTypeError);
  });
});

describe('setNestedField (client-go SetNestedField)', () => {
  it('adds a field next to the existing ones, creating maps on the way', () => {
    const o: Record<string, unknown> = { x: { y: 1, a: 'foo' } };
    setNestedField(o, ['bar'], 'x', 'z');
    setNestedField(o, { b: 'bar' }, 'x', 'm', 'n');
    expect(o).toEqual({ x: { y: 1, a: 'foo', z: ['bar'], m: { n: { b: 'bar' } } } });
  });

  it('overwrites a leaf of any type and replaces a null map on the way', () => {
    const o: Record<string, unknown> = { spec: { replicas: 'three', template: null } };
    setNestedField(o, 3, 'spec', 'replicas');
    setNestedField(o, 'web', 'spec', 'template', 'name');
    expect(o).toEqual({ spec: { replicas: 3, template: { name: 'web' } } });
  });

  it.each([
    [{ spec: 'x' }, ['spec', 'replicas'], '.spec is not a map'],
    [{ spec: { list: [1] } }, ['spec', 'list', 'x'], '.spec.list is not a map'],
    [{ spec: { n: 0 } }, ['spec', 'n', 'x', 'y'], '.spec.n is not a map'],
  ])('refuses to walk through a value that is not a map: %j %j', (o, fields, message) => {
    expect(() => setNestedField(o, 1, ...fields)).toThrow(UnstructuredTypeError);
    expect(() => setNestedField(o, 1, ...fields)).toThrow(`value cannot be set because ${message}`);
  });

  it('treats inherited property names as absent keys', () => {
    const o: Record<string, unknown> = {};
    setNestedField(o, 1, 'toString', 'valueOf');
    setNestedField(o, 2, 'hasOwnProperty');
    expect(o).toEqual({ toString: { valueOf: 1 }, hasOwnProperty: 2 });
  });

  it.each([['constructor'], ['prototype'], ['__proto__']])('refuses the key %j without creating anything', (key) => {
    const o: Record<string, unknown> = {};
    expect(() => setNestedField(o, 1, 'a', key, 'x')).toThrow(UnstructuredTypeError);
    expect(o).toEqual({});
  });
});

describe('removeNestedField (client-go RemoveNestedField)', () => {
  it('removes leaves, then maps, and ignores missing fields', () => {
    const o: Record<string, unknown> = { x: { y: 1, a: 'foo' } };
    removeNestedField(o, 'x', 'a');
    expect(o).toEqual({ x: { y: 1 } });
    removeNestedField(o, 'x', 'y');
    expect(o).toEqual({ x: {} });
    removeNestedField(o, 'x');
    expect(o).toEqual({});
    removeNestedField(o, 'x');
    removeNestedField(o, 'x', 'y', 'z');
    expect(o).toEqual({});
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['an array on the way', { a: [1, 2] }, ['a', '0']],
    ['a string on the way', { a: 'str' }, ['a', 'length']],
    ['a null on the way', { a: null }, ['a', 'b']],
    ['no fields', { a: 1 }, []],
  ])('leaves the object alone for %s', (_what, o, fields) => {
    const before = structuredClone(o);
    removeNestedField(o, ...fields);
    expect(o).toEqual(before);
  });
});
