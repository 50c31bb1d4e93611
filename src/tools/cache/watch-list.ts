// Watch-list (KEP-3157, client-go's WatchListClient): instead of a LIST, one WATCH with
// sendInitialEvents=true and resourceVersionMatch=NotOlderThan streams the current state as ADDED
// events, then a BOOKMARK annotated k8s.io/initial-events-end; the same watch then goes on with the
// changes. The initial events are gathered in a temporary store (as client-go does) so that the
// Reflector's store is replaced once, with the bookmark's resourceVersion. A server that does not
// serve watch-list refuses the request (before v1.27 resourceVersionMatch is forbidden on a watch;
// later, sendInitialEvents without the feature): the error is thrown and the Reflector falls back to
// LIST + WATCH, as client-go does.
import { StatusError } from '../../apimachinery/errors.js';
import type { KubeObject, Status } from '../../apimachinery/meta.js';
import type { Watch, WatchEvent } from '../../apimachinery/watch/types.js';
import { type Clock, realClock } from '../../util/wait/clock.js';
import { deletionHandlingMetaNamespaceKeyFunc } from './keys.js';
import type { ListerWatcher } from './listwatch.js';

/** The annotation of the bookmark that ends the initial events of a watch-list. */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/**
 * True for the BOOKMARK that ends a watch-list's initial events.
 *
 * @example
 * if (isInitialEventsEndBookmark(ev)) console.log('synced at', ev.object.metadata?.resourceVersion);
 */
export function isInitialEventsEndBookmark(ev: WatchEvent<unknown>): boolean {
  if (ev.type !== 'BOOKMARK') return false;
  const annotations = (ev.object as KubeObject | undefined)?.metadata?.annotations;
  return annotations?.[INITIAL_EVENTS_END_ANNOTATION] === 'true';
}

/** What {@link watchListSync} hands back: the initial state and the watch that goes on. */
export interface WatchListResult<T> {
  /** The objects of the initial events (the state at `resourceVersion`). */
  items: T[];
  /** The initial-events-end bookmark's resourceVersion. */
  resourceVersion: string;
  /** The watch, still open: the changes after `resourceVersion` come next. */
  watch: Watch<T>;
  /** Events that arrived after the bookmark in the same read, to be handled before the watch's next ones. */
  pending: WatchEvent<T>[];
}

/**
 * Starts a watch-list from `resourceVersion` ('' for the newest state) and reads it up to the
 * initial-events-end bookmark. A watch that ends before the bookmark is started again (client-go);
 * one that ends within a second without any event, a refusal or an ERROR event rejects.
 *
 * @example
 * const { items, resourceVersion, watch } = await watchListSync(lw, '', 300, signal); // optional 5th: a Clock
 */
export async function watchListSync<T>(
  lw: ListerWatcher<T>,
  resourceVersion: string,
  timeoutSeconds: number,
  signal: AbortSignal,
  clock: Clock = realClock,
): Promise<WatchListResult<T>> {
  for (;;) {
    signal.throwIfAborted();
    const started = clock.now();
    const w = await lw.watch(
      {
        resourceVersion,
        resourceVersionMatch: 'NotOlderThan',
        sendInitialEvents: true,
        allowWatchBookmarks: true,
        timeoutSeconds,
      },
      signal,
    );
    const temporary = new Map<string, T>();
    let rv = '';
    let done = false;
    let events = 0;
    const pending: WatchEvent<T>[] = [];
    const take = (ev: WatchEvent<T>) => {
      events++;
      if (done) {
        pending.push(ev);
        return;
      }
      if (ev.type === 'ERROR') {
        const status = ev.object as unknown as Status;
        throw status?.kind === 'Status' ? new StatusError(status) : new Error('watch-list: an ERROR event');
      }
      const obj = ev.object;
      if (ev.type === 'ADDED' || ev.type === 'MODIFIED') temporary.set(deletionHandlingMetaNamespaceKeyFunc(obj), obj);
      else if (ev.type === 'DELETED') temporary.delete(deletionHandlingMetaNamespaceKeyFunc(obj));
      const v = (obj as KubeObject | undefined)?.metadata?.resourceVersion;
      if (v) rv = v;
      if (isInitialEventsEndBookmark(ev)) done = true;
    };
    let rest: Watch<T> = w;
    try {
      if (w.nextBatch) {
        const nextBatch = w.nextBatch.bind(w);
        for (let batch = await nextBatch(); batch; batch = done ? undefined : await nextBatch()) {
          for (const ev of batch) take(ev);
        }
      } else {
        // Read with one iterator, and hand the rest of that same iterator over.
        const it = w[Symbol.asyncIterator]();
        for (let r = await it.next(); !r.done; r = done ? { done: true, value: undefined } : await it.next()) {
          take(r.value);
        }
        rest = {
          stop: () => w.stop(),
          get endReason() {
            return w.endReason;
          },
          [Symbol.asyncIterator]: () => it,
        };
      }
    } catch (err) {
      w.stop();
      throw err;
    }
    if (done) return { items: [...temporary.values()], resourceVersion: rv, watch: rest, pending };
    w.stop();
    signal.throwIfAborted();
    if (clock.now() - started < 1000 && events === 0) {
      throw new Error('watch-list: the watch ended within a second without any event (no initial-events-end bookmark)');
    }
  }
}
