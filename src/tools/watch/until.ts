// Waiting for conditions on watched objects: untilWithoutRetry on one watch, until on a
// RetryWatcher, untilWithSync on an informer (client-go's tools/watch).
import type { KubeObject } from '../../apimachinery/meta.js';
import type { Watch, WatchEvent } from '../../apimachinery/watch/types.js';
import type { ListerWatcher } from '../cache/listwatch.js';
import { SharedIndexInformer, waitForCacheSync } from '../cache/shared-informer.js';
import type { Watcher } from '../../apimachinery/watch/watcher.js';
import { newRetryWatcher } from './retry-watcher.js';

/** Decides on each event whether the wait is over (may throw to abort). */
export type ConditionFunc<T> = (event: WatchEvent<T>) => boolean | Promise<boolean>;

/** The watch closed before the conditions were met. */
export class WatchClosedError extends Error {
  override readonly name = 'WatchClosedError';
  constructor() {
    super('watch closed before UntilWithoutRetry timeout');
  }
}

/**
 * Consumes events until each condition in turn returns true; resolves with the last event.
 * Rejects with WatchClosedError if the watch ends first, with the error a condition throws, or
 * with the signal's reason (at once if it is already aborted); the watch is stopped in every case.
 *
 * @example
 * const ev = await untilWithoutRetry(AbortSignal.timeout(30_000), w, (e) => e.type === 'DELETED');
 */
export async function untilWithoutRetry<T>(
  signal: AbortSignal | undefined,
  watch: Watch<T>,
  ...conditions: ConditionFunc<T>[]
): Promise<WatchEvent<T>> {
  const onAbort = () => watch.stop();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    signal?.throwIfAborted();
    let i = 0;
    let last: WatchEvent<T> | undefined;
    if (conditions.length === 0) throw new Error('no conditions given');
    for await (const ev of watch) {
      last = ev;
      while (i < conditions.length && (await conditions[i]!(ev))) i++;
      if (i === conditions.length) return last;
    }
    signal?.throwIfAborted();
    throw new WatchClosedError();
  } finally {
    signal?.removeEventListener('abort', onAbort);
    watch.stop();
  }
}

/**
 * Like untilWithoutRetry, on a RetryWatcher from `initialResourceVersion` (survives stream ends);
 * rejects for an initial resourceVersion of "" or "0". A 410 goes to the conditions as an ERROR
 * event, then the watch ends (WatchClosedError unless a condition took it).
 *
 * @example
 * await until(signal, list.metadata!.resourceVersion!, cs.coreV1.pods(ns), (e) => e.object.status?.phase === 'Running');
 */
export async function until<T extends KubeObject>(
  signal: AbortSignal | undefined,
  initialResourceVersion: string,
  client: Watcher<T>,
  ...conditions: ConditionFunc<T>[]
): Promise<WatchEvent<T>> {
  return untilWithoutRetry(signal, newRetryWatcher(initialResourceVersion, client), ...conditions);
}

/**
 * Runs an informer; once synced, `precondition` sees the cache (true: done at once); then the
 * conditions see its events, as client-go's: the listed objects as ADDED first, then changes.
 * Survives 410s (the informer relists). Rejects with the signal's reason when it aborts first.
 *
 * @example
 * await untilWithSync(signal, lw, (store) => store.getByKey('ns/x') !== undefined, (e) => e.type === 'MODIFIED');
 */
export async function untilWithSync<T extends KubeObject>(
  signal: AbortSignal,
  listerWatcher: ListerWatcher<T>,
  precondition: ((store: { getByKey(key: string): T | undefined; list(): T[] }) => boolean) | undefined,
  ...conditions: ConditionFunc<T>[]
): Promise<WatchEvent<T> | undefined> {
  const informer = new SharedIndexInformer<T>(listerWatcher);
  const ac = new AbortController();
  const both = AbortSignal.any([signal, ac.signal]);
  const events: WatchEvent<T>[] = [];
  let wake: (() => void) | undefined;
  const push = (ev: WatchEvent<T>) => {
    events.push(ev);
    wake?.();
  };
  informer.addEventHandler({
    onAdd: (o) => push({ type: 'ADDED', object: o }),
    onUpdate: (_o, n) => push({ type: 'MODIFIED', object: n }),
    onDelete: (o) => push({ type: 'DELETED', object: (o as { obj?: T }).obj ?? (o as T) }),
  });
  const running = informer.run(both);
  try {
    if (!(await waitForCacheSync(both, informer))) signal.throwIfAborted();
    if (precondition?.(informer.getIndexer())) return undefined;
    let i = 0;
    for (;;) {
      while (events.length === 0) {
        signal.throwIfAborted();
        await new Promise<void>((r) => {
          const done = () => {
            signal.removeEventListener('abort', done);
            r();
          };
          wake = done;
          signal.addEventListener('abort', done, { once: true });
        });
      }
      const ev = events.shift()!;
      while (i < conditions.length && (await conditions[i]!(ev))) i++;
      if (i === conditions.length) return ev;
    }
  } finally {
    ac.abort();
    await running;
  }
}
