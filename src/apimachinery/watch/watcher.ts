// Watcher: anything that can start a watch (a ResourceClient, a dynamic or metadata client), the
// input of the RetryWatcher and the until helpers; it sits beside Watch so there is one watch API.
import type { ListOptions } from '../meta.js';
import type { Watch } from './types.js';

/**
 * Something that can start a watch: every ResourceClient (typed, dynamic, metadata) is one.
 *
 * @example
 * const watcher: Watcher<ConfigMap> = cs.coreV1.configMaps('default');
 * const w = await watcher.watch({ resourceVersion: '0' });
 */
export interface Watcher<T> {
  watch(options: ListOptions & { signal?: AbortSignal }): Promise<Watch<T>>;
}
