// ListerWatcher: how a Reflector lists and watches one resource. newListWatchFromClient builds one
// over a RESTClient, the common case.
import type { KubeList, ListMeta, ListOptions } from '../../apimachinery/meta.js';
import type { Watch } from '../../apimachinery/watch/types.js';
import type { RESTClient } from '../../rest/rest-client.js';

/** Lists and watches one kind of object. */
export interface ListerWatcher<T = unknown> {
  /** `onListMeta` (optional to honour) sees the List's metadata as soon as it arrives, before the items. */
  list(options: ListOptions, signal?: AbortSignal, onListMeta?: (metadata: ListMeta) => void): Promise<KubeList<T>>;
  watch(options: ListOptions, signal?: AbortSignal): Promise<Watch<T>>;
}

/**
 * A ListerWatcher over a RESTClient for `resource` in `namespace` ('' for all), optionally with a
 * field selector; `tweak` adjusts every ListOptions (e.g. a label selector).
 *
 * @example
 * const lw = newListWatchFromClient(restClientFor(coreConfig), 'configmaps', 'default');
 */
export function newListWatchFromClient<T = unknown>(
  client: RESTClient,
  resource: string,
  namespace = '',
  options: { fieldSelector?: string; tweak?: (o: ListOptions) => void } = {},
): ListerWatcher<T> {
  const prepare = (o: ListOptions): ListOptions => {
    const out: ListOptions = { ...o };
    if (options.fieldSelector) out.fieldSelector = options.fieldSelector;
    options.tweak?.(out);
    return out;
  };
  return {
    async list(o, signal, onListMeta) {
      return client
        .get()
        .namespace(namespace)
        .resource(resource)
        .versionedParams(prepare(o))
        .signal(signal)
        .doList<KubeList<T>>(onListMeta ? { onMeta: onListMeta } : undefined);
    },
    watch(o, signal) {
      return client
        .get()
        .namespace(namespace)
        .resource(resource)
        .versionedParams({ ...prepare(o), watch: true })
        .signal(signal)
        .watch<T>();
    },
  };
}

/** The list/watch half of a ResourceClient (typed or dynamic). */
export interface ListWatchable<T> {
  /** LIST; `onListMeta` (when honoured) sees the List's metadata before its items. */
  list(
    options?: ListOptions & { signal?: AbortSignal; onListMeta?: (metadata: ListMeta) => void },
  ): Promise<KubeList<T>>;
  watch(options?: ListOptions & { signal?: AbortSignal }): Promise<Watch<T>>;
}

/**
 * A ListerWatcher over a ResourceClient (typed clientset or dynamic client); `tweak` adjusts every
 * ListOptions (label selector, field selector).
 *
 * @example
 * const lw = listWatchFromResource(dynamic.resource(fooGvr).namespace('default'));
 */
export function listWatchFromResource<T>(client: ListWatchable<T>, tweak?: (o: ListOptions) => void): ListerWatcher<T> {
  const prepare = (o: ListOptions) => {
    const out = { ...o };
    tweak?.(out);
    return out;
  };
  return {
    list: (o, signal, onListMeta) => client.list({ ...prepare(o), signal, ...(onListMeta ? { onListMeta } : {}) }),
    watch: (o, signal) => client.watch({ ...prepare(o), signal }),
  };
}
