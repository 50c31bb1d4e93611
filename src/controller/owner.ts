// Owner references: make an object controlled by another (garbage collection deletes it with its
// owner, and `owns()` watches map its events to the owner), read the controller of an object, and
// check who controls it. The rules are apimachinery's SetControllerReference.
import type { KubeObject, OwnerReference } from '../apimachinery/meta.js';
import { OwnerReferenceError } from './errors.js';

/** apiVersion and kind, when an object read from a list or cache lacks them. */
export interface ObjectType {
  apiVersion: string;
  kind: string;
}

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/**
 * The owner reference to `owner` that marks it as the controller (controller and
 * blockOwnerDeletion true). Throws {@link OwnerReferenceError} when apiVersion, kind, name or uid
 * is missing.
 *
 * @example
 * const ref = controllerReference(foo, { apiVersion: 'samplecontroller.k8s.io/v1alpha1', kind: 'Foo' });
 */
export function controllerReference(owner: KubeObject, type?: ObjectType): OwnerReference {
  const apiVersion = owner.apiVersion || type?.apiVersion;
  const kind = owner.kind || type?.kind;
  const name = owner.metadata?.name;
  const uid = owner.metadata?.uid;
  if (!apiVersion || !kind)
    throw new OwnerReferenceError(
      `owner ${name ?? '(unnamed)'} has no apiVersion/kind (objects from lists and caches often lack them): pass its type`,
    );
  if (!name || !uid) throw new OwnerReferenceError(`owner ${kind} ${name ?? '(unnamed)'} has no name or uid yet`);
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

/**
 * The controller owner reference of an object, if any.
 *
 * @example
 * const owner = getControllerOf(deployment); // { kind: 'Foo', name: 'example-foo', ... }
 */
export function getControllerOf(obj: KubeObject | undefined): OwnerReference | undefined {
  return obj?.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/**
 * True when `owner` (by uid) is the controller of `obj`.
 *
 * @example
 * if (!isControlledBy(deployment, foo)) throw new Error('not ours');
 */
export function isControlledBy(obj: KubeObject | undefined, owner: KubeObject): boolean {
  const ref = getControllerOf(obj);
  return !!ref && !!owner.metadata?.uid && ref.uid === owner.metadata.uid;
}

/**
 * Makes `owner` the controller of `obj` (in place), replacing a reference to the same owner.
 * Throws {@link OwnerReferenceError} when another object already controls it, when the owner's
 * type is unknown, or when a namespaced owner would own an object of another namespace or a
 * cluster-scoped one.
 *
 * @example
 * setControllerReference(foo, deployment, { apiVersion: 'samplecontroller.k8s.io/v1alpha1', kind: 'Foo' });
 * await cs.appsV1.deployments(ns).create(deployment);
 */
export function setControllerReference<O extends KubeObject>(owner: KubeObject, obj: O, type?: ObjectType): O {
  const ref = controllerReference(owner, type);
  const ownerNs = owner.metadata?.namespace ?? '';
  const objNs = obj.metadata?.namespace ?? '';
  if (ownerNs && ownerNs !== objNs)
    throw new OwnerReferenceError(
      `cross-namespace owner references are disallowed: owner ${ref.kind} ${ownerNs}/${ref.name}, object in ${objNs ? `namespace ${objNs}` : 'no namespace'}`,
    );
  const existing = getControllerOf(obj);
  if (existing && !sameOwner(existing, ref))
    throw new OwnerReferenceError(
      `object ${obj.metadata?.name ?? ''} is already controlled by ${existing.kind} ${existing.name}`,
    );
  return upsertOwnerReference(obj, ref);
}

/**
 * Adds a non-controller owner reference to `obj` (in place), replacing one to the same owner.
 *
 * @example
 * setOwnerReference(configMap, secret, { apiVersion: 'v1', kind: 'ConfigMap' });
 */
export function setOwnerReference<O extends KubeObject>(owner: KubeObject, obj: O, type?: ObjectType): O {
  const { controller: _c, blockOwnerDeletion: _b, ...ref } = controllerReference(owner, type);
  return upsertOwnerReference(obj, ref);
}

function sameOwner(a: OwnerReference, b: OwnerReference): boolean {
  return groupOf(a.apiVersion) === groupOf(b.apiVersion) && a.kind === b.kind && a.name === b.name;
}

function upsertOwnerReference<O extends KubeObject>(obj: O, ref: OwnerReference): O {
  obj.metadata ??= {};
  const refs = [...(obj.metadata.ownerReferences ?? [])];
  const i = refs.findIndex((r) => sameOwner(r, ref));
  if (i >= 0) refs[i] = ref;
  else refs.push(ref);
  obj.metadata.ownerReferences = refs;
  return obj;
}
