// Resource event handlers: what informers call on add, update and delete.
import type { DeletedFinalStateUnknown } from './keys.js';

/**
 * Callbacks for changes of cached objects. On resync, onUpdate receives the same object twice.
 *
 * @example
 * informer.addEventHandler({
 *   onAdd: (pod, isInInitialList) => queue.add(key(pod)),
 *   onUpdate: (oldPod, newPod) => queue.add(key(newPod)),
 *   onDelete: (pod) => queue.add(deletionHandlingMetaNamespaceKeyFunc(pod)),
 * });
 */
export interface ResourceEventHandler<T> {
  onAdd?(obj: T, isInInitialList: boolean): void | Promise<void>;
  onUpdate?(oldObj: T, newObj: T): void | Promise<void>;
  onDelete?(obj: T | DeletedFinalStateUnknown<T>): void | Promise<void>;
}

/**
 * Passes only objects accepted by `filter` to `handler`; an update that moves an object in or out
 * of the filter becomes an add or a delete (client-go's FilteringResourceEventHandler).
 *
 * @example
 * informer.addEventHandler(filteringHandler((o) => o.metadata?.labels?.app === 'web', handler));
 */
export function filteringHandler<T>(
  filter: (obj: T | DeletedFinalStateUnknown<T>) => boolean,
  handler: ResourceEventHandler<T>,
): ResourceEventHandler<T> {
  return {
    onAdd: (obj, initial) => (filter(obj) ? handler.onAdd?.(obj, initial) : undefined),
    onUpdate: (oldObj, newObj) => {
      const was = filter(oldObj);
      const is = filter(newObj);
      if (was && is) return handler.onUpdate?.(oldObj, newObj);
      if (!was && is) return handler.onAdd?.(newObj, false);
      if (was && !is) return handler.onDelete?.(oldObj);
      return undefined;
    },
    onDelete: (obj) => (filter(obj) ? handler.onDelete?.(obj) : undefined),
  };
}
