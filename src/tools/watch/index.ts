// kube-client/tools/watch: layer 4. RetryWatcher and the until helpers.
export { newRetryWatcher, type Watcher } from './retry-watcher.js';
export { type ConditionFunc, until, untilWithoutRetry, untilWithSync, WatchClosedError } from './until.js';
