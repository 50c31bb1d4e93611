// kube-client/tools/watch: the cache layer. RetryWatcher and the until helpers.
export type { Watcher } from '../../apimachinery/watch/watcher.js';
export { newRetryWatcher } from './retry-watcher.js';
export { type ConditionFunc, until, untilWithoutRetry, untilWithSync, WatchClosedError } from './until.js';
