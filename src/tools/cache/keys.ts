// Object keys: "namespace/name" (or "name" for cluster-scoped objects), and the tombstone an
// informer hands out when it missed a delete.
import type { KubeObject } from '../../apimachinery/meta.js';

/**
 * A key function turns an object into its store key.
 *
 * @example
 * const byName: KeyFunc = (obj) => (obj as { metadata: { name: string } }).metadata.name;
 */
export type KeyFunc = (obj: unknown) => string;

/** The object could not be keyed (no metadata.name). */
export class KeyError extends Error {
  override readonly name = 'KeyError';
}

/**
 * An object deleted while the watch was down: its last known state may be stale (or undefined).
 * onDelete handlers receive it instead of the object.
 *
 * @example
 * onDelete(obj) { const real = obj instanceof DeletedFinalStateUnknown ? obj.obj : obj; }
 */
export class DeletedFinalStateUnknown<T = unknown> {
  constructor(
    /** The store key of the deleted object. */
    readonly key: string,
    /** The last known state (may be undefined). */
    readonly obj: T | undefined,
  ) {}
}

/**
 * True when an onDelete argument is a tombstone rather than the object: a type guard, so the true
 * branch has `.key` and `.obj` and the false branch has the object type.
 *
 * @example
 * onDelete(obj) {
 *   const pod = isDeletedFinalStateUnknown(obj) ? obj.obj : obj; // Pod | undefined
 *   queue.add(deletionHandlingMetaNamespaceKeyFunc(obj));
 * }
 */
export function isDeletedFinalStateUnknown<T>(
  obj: T | DeletedFinalStateUnknown<T>,
): obj is DeletedFinalStateUnknown<T> {
  return obj instanceof DeletedFinalStateUnknown;
}

/**
 * client-go's MetaNamespaceKeyFunc: "ns/name", "name" without namespace, a string as-is.
 *
 * @example
 * metaNamespaceKeyFunc({ metadata: { namespace: 'default', name: 'web' } }); // 'default/web'
 */
export function metaNamespaceKeyFunc(obj: unknown): string {
  if (typeof obj === 'string') return obj;
  const meta = (obj as KubeObject | null)?.metadata;
  if (!meta || typeof meta.name !== 'string' || meta.name === '') {
    throw new KeyError('object has no meta: cannot compute a key without metadata.name');
  }
  return meta.namespace ? `${meta.namespace}/${meta.name}` : meta.name;
}

/**
 * Like metaNamespaceKeyFunc, but a DeletedFinalStateUnknown yields its key: the key function for
 * onDelete handlers, which may receive a tombstone.
 *
 * @example
 * informer.addEventHandler({ onDelete: (obj) => queue.add(deletionHandlingMetaNamespaceKeyFunc(obj)) });
 */
export function deletionHandlingMetaNamespaceKeyFunc(obj: unknown): string {
  if (obj instanceof DeletedFinalStateUnknown) return obj.key;
  return metaNamespaceKeyFunc(obj);
}

/**
 * Splits "ns/name" or "name".
 *
 * @example
 * splitMetaNamespaceKey('default/web'); // { namespace: 'default', name: 'web' }
 */
export function splitMetaNamespaceKey(key: string): { namespace: string; name: string } {
  const parts = key.split('/');
  if (parts.length === 1) return { namespace: '', name: parts[0]! };
  if (parts.length === 2) return { namespace: parts[0]!, name: parts[1]! };
  throw new KeyError(`unexpected key format: ${JSON.stringify(key)}`);
}
