// kube-client/tools/cache: the cache layer. Stores and indexers, DeltaFIFO, Reflector, SharedIndexInformer
// and the ListerWatcher they list and watch through.
export {
  type Delta,
  DeltaFIFO,
  type DeltaFIFOOptions,
  type DeltaType,
  dedupDeltas,
  FIFOClosedError,
  type KeyListerGetter,
  type PopProcessFunc,
  RequeueError,
} from './delta-fifo.js';
export { filteringHandler, type ResourceEventHandler } from './event-handler.js';
export {
  DeletedFinalStateUnknown,
  deletionHandlingMetaNamespaceKeyFunc,
  isDeletedFinalStateUnknown,
  type KeyFunc,
  KeyError,
  metaNamespaceKeyFunc,
  splitMetaNamespaceKey,
} from './keys.js';
export { type ListerWatcher, type ListWatchable, listWatchFromResource, newListWatchFromClient } from './listwatch.js';
export type { ResourceEventHandlerRegistration } from './processor-listener.js';
export { Reflector, type ReflectorOptions, type ReflectorStore } from './reflector.js';
export { SharedIndexInformer, type SharedInformerOptions, waitForCacheSync } from './shared-informer.js';
export { onCacheSynced, type SyncSource } from './synced.js';
export {
  INITIAL_EVENTS_END_ANNOTATION,
  isInitialEventsEndBookmark,
  type WatchListResult,
  watchListSync,
} from './watch-list.js';
export {
  type IndexFunc,
  type Indexer,
  type Indexers,
  metaNamespaceIndexFunc,
  NamespaceIndex,
  newIndexer,
  newStore,
  type Store,
  ThreadSafeStore,
} from './store.js';
