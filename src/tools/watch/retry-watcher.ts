// RetryWatcher: a watch that survives stream ends and transient errors by re-watching from the
// last resourceVersion it delivered; a 410 Gone ends it with an ERROR event (the caller relists).
import { isGone, isResourceExpired, type StatusError } from '../../apimachinery/errors.js';
import type { KubeObject, ListOptions, Status } from '../../apimachinery/meta.js';
import { ChannelWatch } from '../../apimachinery/watch/channel-watch.js';
import type { Watch } from '../../apimachinery/watch/types.js';
import { sleep } from '../../util/wait/backoff.js';

/** Something that can start a watch (a ResourceClient, a ListerWatcher). */
export interface Watcher<T> {
  watch(options: ListOptions & { signal?: AbortSignal }): Promise<Watch<T>>;
}

/**
 * Starts a RetryWatcher from `initialResourceVersion` (must not be "" or "0", as client-go requires).
 *
 * @example
 * const w = newRetryWatcher(list.metadata.resourceVersion, cs.coreV1.pods('default'));
 * for await (const ev of w) ...
 */
export function newRetryWatcher<T extends KubeObject>(
  initialResourceVersion: string,
  client: Watcher<T>,
  retryMs = 1000,
): Watch<T> {
  if (initialResourceVersion === '' || initialResourceVersion === '0') {
    throw new Error(
      `initial RV ${JSON.stringify(initialResourceVersion)} is not supported due to issues with underlying WATCH`,
    );
  }
  const out = new ChannelWatch<T>();
  const ac = new AbortController();
  out.onStop = () => ac.abort();
  let rv = initialResourceVersion;
  const gone = (status: Status) => {
    out.push({ type: 'ERROR', object: status as unknown as T });
    out.close();
  };
  void (async () => {
    while (!ac.signal.aborted && !out.isClosed) {
      let w: Watch<T>;
      try {
        w = await client.watch({ resourceVersion: rv, allowWatchBookmarks: true, signal: ac.signal });
      } catch (err) {
        if (ac.signal.aborted) break;
        if (isGone(err) || isResourceExpired(err)) {
          gone((err as StatusError).status);
          break;
        }
        await sleep(retryMs, ac.signal).catch(() => {});
        continue;
      }
      const stopInner = () => w.stop();
      ac.signal.addEventListener('abort', stopInner, { once: true });
      for await (const ev of w) {
        if (ev.type === 'ERROR') {
          const status = ev.object as unknown as Status;
          if (status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone') {
            gone(status);
            break;
          }
          continue; // other errors: re-watch
        }
        const next = ev.object?.metadata?.resourceVersion;
        if (next) rv = next;
        if (ev.type !== 'BOOKMARK') out.push(ev);
      }
      ac.signal.removeEventListener('abort', stopInner);
    }
    out.close();
  })();
  return out;
}
