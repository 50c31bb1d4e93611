// kube-client/listers: the cache layer. Typed read-only views of informer caches.
export { Lister, NamespaceLister } from './lister.js';
