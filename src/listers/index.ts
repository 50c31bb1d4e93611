// kube-client/listers: layer 4. Typed read-only views of informer caches.
export { Lister, NamespaceLister } from './lister.js';
