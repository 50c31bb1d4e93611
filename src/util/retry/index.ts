// kube-client/util/retry: layer 5. Retry helpers for conflicts and other retriable errors.
export { DefaultBackoff, DefaultRetry, onError, retryOnConflict } from './retry.js';
