// Predicates filter the events that reach a controller's queue (controller-runtime's predicate
// package): each says for a create, update or delete whether it is worth a reconcile. A missing
// function lets that kind of event through.
import type { KubeObject } from '../apimachinery/meta.js';

/**
 * An event filter. Functions left out accept their events.
 *
 * @example
 * const onlyLabelled: Predicate<Pod> = { create: (p) => !!p.metadata?.labels?.app, update: (_o, n) => !!n.metadata?.labels?.app };
 */
export interface Predicate<T extends KubeObject = KubeObject> {
  create?(obj: T): boolean;
  update?(oldObj: T, newObj: T): boolean;
  delete?(obj: T): boolean;
}

function sameRecord(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => a?.[k] === b?.[k]);
}

/**
 * Updates pass only when metadata.generation changed, i.e. the spec changed (status-only updates
 * and periodic resyncs are dropped). Resources without generation never pass updates.
 *
 * @example
 * mgr.controller('foo').for(foos, { predicates: [generationChanged()] })
 */
export function generationChanged<T extends KubeObject = KubeObject>(): Predicate<T> {
  return { update: (o, n) => o.metadata?.generation !== n.metadata?.generation };
}

/**
 * Updates pass only when the labels changed.
 *
 * @example
 * .watches(pods, mapFn, { predicates: [labelsChanged()] })
 */
export function labelsChanged<T extends KubeObject = KubeObject>(): Predicate<T> {
  return { update: (o, n) => !sameRecord(o.metadata?.labels, n.metadata?.labels) };
}

/**
 * Updates pass only when the annotations changed.
 *
 * @example
 * .for(foos, { predicates: [or(generationChanged(), annotationsChanged())] })
 */
export function annotationsChanged<T extends KubeObject = KubeObject>(): Predicate<T> {
  return { update: (o, n) => !sameRecord(o.metadata?.annotations, n.metadata?.annotations) };
}

/**
 * Updates pass only when the resourceVersion changed (drops periodic resyncs).
 *
 * @example
 * .owns(deployments, { predicates: [resourceVersionChanged()] })
 */
export function resourceVersionChanged<T extends KubeObject = KubeObject>(): Predicate<T> {
  return { update: (o, n) => o.metadata?.resourceVersion !== n.metadata?.resourceVersion };
}

/**
 * A predicate from one function applied to every event's (new) object.
 *
 * @example
 * .watches(pods, mapFn, { predicates: [predicate((p) => p.metadata?.namespace !== 'kube-system')] })
 */
export function predicate<T extends KubeObject = KubeObject>(accept: (obj: T) => boolean): Predicate<T> {
  return { create: accept, update: (_o, n) => accept(n), delete: accept };
}

function test<T extends KubeObject>(p: Predicate<T>, kind: keyof Predicate<T>, a: T, b?: T): boolean {
  if (kind === 'update') return p.update ? p.update(a, b as T) : true;
  const f = p[kind] as ((o: T) => boolean) | undefined;
  return f ? f(a) : true;
}

/**
 * Passes when every predicate passes (a list of predicates on a source means the same).
 *
 * @example
 * and(generationChanged(), predicate((f) => f.spec?.enabled === true))
 */
export function and<T extends KubeObject>(...ps: Predicate<T>[]): Predicate<T> {
  return {
    create: (o) => ps.every((p) => test(p, 'create', o)),
    update: (o, n) => ps.every((p) => test(p, 'update', o, n)),
    delete: (o) => ps.every((p) => test(p, 'delete', o)),
  };
}

/**
 * Passes when any predicate passes.
 *
 * @example
 * or(generationChanged(), labelsChanged(), annotationsChanged())
 */
export function or<T extends KubeObject>(...ps: Predicate<T>[]): Predicate<T> {
  return {
    create: (o) => ps.some((p) => test(p, 'create', o)),
    update: (o, n) => ps.some((p) => test(p, 'update', o, n)),
    delete: (o) => ps.some((p) => test(p, 'delete', o)),
  };
}

/**
 * Inverts a predicate.
 *
 * @example
 * not(predicate((o) => o.metadata?.labels?.ignore === 'true'))
 */
export function not<T extends KubeObject>(p: Predicate<T>): Predicate<T> {
  return {
    create: (o) => !test(p, 'create', o),
    update: (o, n) => !test(p, 'update', o, n),
    delete: (o) => !test(p, 'delete', o),
  };
}

/** Whether an event passes every predicate of a list. */
export function passes<T extends KubeObject>(ps: Predicate<T>[], kind: keyof Predicate<T>, a: T, b?: T): boolean {
  return ps.every((p) => test(p, kind, a, b));
}
