// RetryWatcher: a watch that survives stream ends and transient errors by re-watching from the
// last resourceVersion it saw; a 410 Gone ends it with an ERROR event (the caller relists).
import { isForbidden, isGone, isResourceExpired, isUnauthorized, type StatusError } from '../../apimachinery/errors.js';
import type { KubeObject, Status } from '../../apimachinery/meta.js';
import { ChannelWatch } from '../../apimachinery/watch/channel-watch.js';
import type { Watch } from '../../apimachinery/watch/types.js';
import type { Watcher } from '../../apimachinery/watch/watcher.js';
import { sleep } from '../../util/wait/backoff.js';

/**
 * Starts a RetryWatcher from `initialResourceVersion` (must not be "" or "0", as client-go requires).
 *
 * Each watch resumes from the resourceVersion of the last event seen (BOOKMARK events move it on
 * and are not delivered). When a stream ends, the watch call fails, or an ERROR event other than
 * 410 comes, the watch is started again, no sooner than `retryMs` after the previous start and
 * `details.retryAfterSeconds` after an ERROR event asking for it. It ends, after delivering an
 * ERROR event with the Status, on 410 Gone / Expired (an event or the watch call), on a watch call
 * refused as Unauthorized or Forbidden, and (with a 500 InternalError Status) on an object
 * without a resourceVersion or an unknown event type. `stop()` ends it and the watch below.
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
  /** Delivers a final ERROR event and ends; returns undefined (done) for receive(). */
  const fail = (status: Status): undefined => {
    out.push({ type: 'ERROR', object: status as unknown as T });
    out.close();
    return undefined;
  };
  const internalError = (message: string): Status => ({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    code: 500,
    reason: 'InternalError',
    message,
  });
  /** Runs one watch; resolves with the extra wait (ms) the server asked for, or undefined when done. */
  const receive = async (): Promise<number | undefined> => {
    let w: Watch<T>;
    try {
      w = await client.watch({ resourceVersion: rv, allowWatchBookmarks: true, signal: ac.signal });
    } catch (err) {
      if (ac.signal.aborted) return undefined;
      if (isGone(err) || isResourceExpired(err) || isUnauthorized(err) || isForbidden(err)) {
        return fail((err as StatusError).status);
      }
      return 0;
    }
    const stopInner = () => w.stop();
    ac.signal.addEventListener('abort', stopInner, { once: true });
    try {
      if (ac.signal.aborted) return undefined; // stopped while the watch call was on its way
      for await (const ev of w) {
        switch (ev.type) {
          case 'ADDED':
          case 'MODIFIED':
          case 'DELETED':
          case 'BOOKMARK': {
            const next = ev.object?.metadata?.resourceVersion;
            // Resuming past it could skip events: give up.
            if (!next) return fail(internalError(`retryWatcher: ${ev.type} object without a resourceVersion`));
            if (ev.type !== 'BOOKMARK') out.push(ev);
            rv = next;
            break;
          }
          case 'ERROR': {
            const status = ev.object as unknown as Status | null | undefined;
            if (status?.code === 410 || status?.reason === 'Expired' || status?.reason === 'Gone') return fail(status);
            return (status?.details?.retryAfterSeconds ?? 0) * 1000;
          }
          default:
            return fail(internalError(`retryWatcher: unknown event type ${JSON.stringify(ev.type)}`));
        }
      }
      return 0;
    } finally {
      ac.signal.removeEventListener('abort', stopInner);
      w.stop();
    }
  };
  void (async () => {
    while (!ac.signal.aborted && !out.isClosed) {
      const started = Date.now();
      const retryAfterMs = await receive();
      if (retryAfterMs === undefined) break;
      // Non-sliding, as client-go: a stream that lived longer than retryMs is restarted at once.
      const wait = Math.max(retryAfterMs, retryMs - (Date.now() - started));
      if (wait > 0) await sleep(wait, ac.signal).catch(() => {});
    }
    out.close();
  })();
  return out;
}
