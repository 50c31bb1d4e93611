// kube-client/util/retry: the helpers layer. Retry helpers for conflicts and other retriable errors.
export { DefaultBackoff, DefaultRetry, onError, retryOnConflict } from './retry.js';
