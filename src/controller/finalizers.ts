// Finalizers: keep an object around until the controller has cleaned up after it. Add one while the
// object lives; once it is being deleted (deletionTimestamp set), run the cleanup, then remove the
// finalizer so the apiserver can finish the deletion.
import type { KubeObject } from '../apimachinery/meta.js';

/**
 * True when the object lists the finalizer.
 *
 * @example
 * if (!hasFinalizer(foo, 'example.com/cleanup')) ...
 */
export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata?.finalizers?.includes(finalizer) ?? false;
}

/**
 * Adds the finalizer (in place); returns whether it was missing.
 *
 * @example
 * if (addFinalizer(foo, 'example.com/cleanup')) await foos.update(foo);
 */
export function addFinalizer(obj: KubeObject, finalizer: string): boolean {
  if (hasFinalizer(obj, finalizer)) return false;
  obj.metadata ??= {};
  obj.metadata.finalizers = [...(obj.metadata.finalizers ?? []), finalizer];
  return true;
}

/**
 * Removes the finalizer (in place); returns whether it was there.
 *
 * @example
 * if (removeFinalizer(foo, 'example.com/cleanup')) await foos.update(foo);
 */
export function removeFinalizer(obj: KubeObject, finalizer: string): boolean {
  if (!hasFinalizer(obj, finalizer)) return false;
  obj.metadata!.finalizers = obj.metadata!.finalizers!.filter((f) => f !== finalizer);
  return true;
}

/** True once deletion of the object was requested. */
export function isBeingDeleted(obj: KubeObject): boolean {
  return !!obj.metadata?.deletionTimestamp;
}

/** The writes {@link finalize} needs: a client with patch (any ResourceClient). */
export interface Patchable<T> {
  patch(name: string, patchType: 'application/merge-patch+json', data: unknown): Promise<T>;
}

/**
 * What {@link finalize} did: `added` (the finalizer was put on a live object), `finalized`
 * (cleanup ran and the finalizer was removed: stop reconciling), `deleting` (being deleted, not
 * ours to clean up) or `none` (nothing to do: reconcile as usual).
 */
export type FinalizeOutcome = 'added' | 'finalized' | 'deleting' | 'none';

/**
 * The finalizer dance in one call. A live object without the finalizer gets it (a merge patch with
 * the object's resourceVersion, so a concurrent change is a Conflict and the reconcile retries);
 * an object being deleted that carries it has `cleanup` run, then the finalizer removed. A cleanup
 * that throws leaves the finalizer in place (the reconcile is retried with backoff).
 *
 * @example
 * const outcome = await finalize(cs.appsV1.deployments(ns), dep, 'example.com/cleanup', () => dropExternalState(dep));
 * if (outcome === 'finalized' || outcome === 'deleting') return done();
 */
export async function finalize<T extends KubeObject>(
  client: Patchable<T>,
  obj: T,
  finalizer: string,
  cleanup: (obj: T) => Promise<void> | void,
): Promise<FinalizeOutcome> {
  const name = obj.metadata?.name ?? '';
  const patchFinalizers = (finalizers: string[]) =>
    client.patch(name, 'application/merge-patch+json', {
      metadata: { finalizers, resourceVersion: obj.metadata?.resourceVersion },
    });
  if (!isBeingDeleted(obj)) {
    if (hasFinalizer(obj, finalizer)) return 'none';
    await patchFinalizers([...(obj.metadata?.finalizers ?? []), finalizer]);
    return 'added';
  }
  if (!hasFinalizer(obj, finalizer)) return 'deleting';
  await cleanup(obj);
  await patchFinalizers((obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer));
  return 'finalized';
}
