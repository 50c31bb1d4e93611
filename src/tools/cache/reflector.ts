// The Reflector: list, then watch from the list's resourceVersion, pushing every change into a
// store (a DeltaFIFO). It follows client-go's resourceVersion rules (first list at "0", relist from
// the last seen version, "" once that version is gone), backs off 800 ms -> 30 s, re-watches when a
// watch ends, relists after 410 Gone, and never gives up until its signal is aborted.
import {
  isGone,
  isInternalError,
  isResourceExpired,
  isTooManyRequests,
  StatusError,
  suggestsClientDelay,
} from '../../apimachinery/errors.js';
import type { KubeObject, Status } from '../../apimachinery/meta.js';
import type { Watch, WatchEvent } from '../../apimachinery/watch/types.js';
import { TransportError } from '../../rest/errors.js';
import { globalLogger } from '../../util/log/global.js';
import { type BackoffManager, newExponentialBackoffManager } from '../../util/wait/backoff-manager.js';
import { sleep } from '../../util/wait/backoff.js';
import { type Clock, realClock } from '../../util/wait/clock.js';
import { holdAbortListeners } from '../../util/wait/shared-signal.js';
import { DEFAULT_PAGE_SIZE, ListPager } from '../pager/pager.js';
import type { ListerWatcher } from './listwatch.js';
import { type WatchListResult, watchListSync } from './watch-list.js';

/** What a Reflector writes into (a DeltaFIFO or any Store). */
export interface ReflectorStore<T> {
  add(obj: T): void;
  update(obj: T): void;
  delete(obj: T): void;
  replace(list: T[], resourceVersion: string): void;
  resync(): void;
}

/** Options of {@link Reflector}. */
export interface ReflectorOptions {
  /** For log lines, e.g. "configmaps". */
  name?: string;
  /** How often to consider a resync (0: never). */
  resyncPeriodMs?: number;
  /** Asked at each resync tick; resync happens only when it returns true (default: always). */
  shouldResync?: () => boolean;
  /** Called with every list/watch error (default: an error on the global logger, stderr by default). */
  watchErrorHandler?: (err: unknown) => void;
  /** Page size for paginated lists (default 500). */
  pageSize?: number;
  /** Base of the randomized watch timeout (default 5 min: timeouts fall in [5, 10) min). */
  minWatchTimeoutMs?: number;
  backoffManager?: BackoffManager;
  /** Time source of backoff, resync and the short-watch check (default: the real clock; tests pass a FakeClock). */
  clock?: Clock;
  /**
   * Sync with a watch-list (KEP-3157, client-go's WatchListClient) instead of LIST + WATCH: one watch
   * with sendInitialEvents=true streams the state, then the changes. Falls back to LIST + WATCH when
   * the server refuses it (any server before v1.27, or without the WatchList feature). Default false.
   */
  useWatchList?: boolean;
  /**
   * Request each next page as soon as the current page's continue token arrives (ListPager.overlapPages;
   * default true: 100k ConfigMaps paged from etcd synced in 19 s instead of 29 s, docs/benchmarks.md).
   */
  overlapPages?: boolean;
}

const errorStopRequested = new Error('stop requested');

/** ERROR watch events become StatusErrors. */
function errorFromWatchObject(obj: unknown): Error {
  const status = obj as Status | null;
  if (status && status.kind === 'Status') return new StatusError(status);
  return new Error(`unexpected watch error object: ${JSON.stringify(obj)?.slice(0, 200)}`);
}

function isExpiredError(err: unknown): boolean {
  return isResourceExpired(err) || isGone(err);
}

function isConnectionRefused(err: unknown): boolean {
  return err instanceof TransportError && err.code === 'ECONNREFUSED';
}

/**
 * client-go's Reflector.
 *
 * @example
 * const r = new Reflector(lw, fifo, { name: 'configmaps' });
 * void r.run(signal);
 */
export class Reflector<T extends KubeObject = KubeObject> {
  private lastSyncResourceVersion = '';
  private lastSyncUnavailable = false;
  private paginatedResult = false;
  private readonly backoff: BackoffManager;
  private readonly name: string;
  private readonly clock: Clock;

  constructor(
    private readonly listerWatcher: ListerWatcher<T>,
    private readonly store: ReflectorStore<T>,
    private readonly options: ReflectorOptions = {},
  ) {
    this.name = options.name ?? 'reflector';
    this.clock = options.clock ?? realClock;
    this.backoff = options.backoffManager ?? newExponentialBackoffManager(800, 30_000, 120_000, 2, 1.0, this.clock);
  }

  /** The resourceVersion of the last list or event seen. */
  getLastSyncResourceVersion(): string {
    return this.lastSyncResourceVersion;
  }

  /** Lists and watches until the signal aborts, backing off between failures. */
  async run(signal: AbortSignal): Promise<void> {
    // Reflectors usually share one stop signal; each holds up to two listeners on it at a time.
    const release = holdAbortListeners(signal, 2);
    try {
      while (!signal.aborted) {
        try {
          await this.listAndWatch(signal);
        } catch (err) {
          if (signal.aborted) break;
          this.handleError(err);
        }
        if (signal.aborted) break;
        await sleep(this.backoff.backoff(), signal, this.clock).catch(() => {});
      }
    } finally {
      release();
    }
  }

  private handleError(err: unknown): void {
    if (this.options.watchErrorHandler) this.options.watchErrorHandler(err);
    else globalLogger.error(`${this.name}: ${(err as Error)?.message ?? String(err)}`);
  }

  /** The resourceVersion the next list uses (client-go's relistResourceVersion). */
  relistResourceVersion(): string {
    if (this.lastSyncUnavailable) return '';
    if (this.lastSyncResourceVersion === '') return '0';
    return this.lastSyncResourceVersion;
  }

  private async list(signal: AbortSignal): Promise<void> {
    const rv = this.relistResourceVersion();
    let result: { items: T[]; resourceVersion: string; paged: boolean };
    try {
      result = await this.listAll(rv, signal);
    } catch (err) {
      if (!isExpiredError(err) && !isTooLargeResourceVersion(err)) throw err;
      // The version is gone: list the newest data instead, as client-go does.
      this.lastSyncUnavailable = true;
      result = await this.listAll('', signal);
    }
    if (rv === '0' && result.paged) this.paginatedResult = true;
    this.lastSyncUnavailable = false;
    this.store.replace(result.items, result.resourceVersion);
    this.lastSyncResourceVersion = result.resourceVersion;
  }

  private async listAll(
    rv: string,
    signal: AbortSignal,
  ): Promise<{ items: T[]; resourceVersion: string; paged: boolean }> {
    const pager = new ListPager<T>((o, s, onMeta) => this.listerWatcher.list(o, s, onMeta));
    pager.pageSize = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
    pager.overlapPages = this.options.overlapPages ?? true;
    if (!this.paginatedResult && rv !== '' && rv !== '0') pager.pageSize = 0; // served from the watch cache
    const { list, paginated } = await pager.list({ resourceVersion: rv }, signal);
    return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? '', paged: paginated };
  }

  /** One list, then watches until a watch fails in a way that needs a relist. */
  async listAndWatch(signal: AbortSignal): Promise<void> {
    let handover = this.options.useWatchList ? await this.watchList(signal) : undefined;
    if (!handover) await this.list(signal);
    const resync = this.startResync(signal);
    try {
      while (!signal.aborted) {
        const minTimeout = this.options.minWatchTimeoutMs ?? 5 * 60_000;
        const timeoutSeconds = Math.floor((minTimeout * (Math.random() + 1)) / 1000);
        let w: Watch<T>;
        let pending: WatchEvent<T>[] = [];
        try {
          if (handover) {
            // The watch-list's watch goes on with the changes.
            ({ watch: w, pending } = handover);
            handover = undefined;
          } else
            w = await this.listerWatcher.watch(
              { resourceVersion: this.lastSyncResourceVersion, timeoutSeconds, allowWatchBookmarks: true },
              signal,
            );
        } catch (err) {
          if (signal.aborted) return;
          if (isConnectionRefused(err) || isTooManyRequests(err)) {
            // The server is restarting or overloaded: wait and watch again without relisting.
            const delay = suggestsClientDelay(err);
            const ms = delay !== undefined && delay > 0 ? delay * 1000 : this.backoff.backoff();
            await sleep(ms, signal, this.clock).catch(() => {});
            continue;
          }
          if (isExpiredError(err)) return; // relist
          throw err;
        }
        try {
          try {
            for (const ev of pending) this.handleEvent(ev);
          } catch (err) {
            w.stop();
            throw err;
          }
          await this.watchHandler(w, signal);
        } catch (err) {
          if (err === errorStopRequested || signal.aborted) return;
          if (isExpiredError(err)) return; // relist from the last version
          if (isTooManyRequests(err)) {
            await sleep(this.backoff.backoff(), signal, this.clock).catch(() => {});
            continue;
          }
          if (isInternalError(err)) continue;
          this.handleError(err);
          return;
        }
      }
    } finally {
      resync?.abort();
    }
  }

  /**
   * The watch-list sync: the store replaced with the initial events' state, and the watch handed on;
   * undefined after any failure (logged, as client-go's warning), so that LIST + WATCH takes over.
   */
  private async watchList(signal: AbortSignal): Promise<WatchListResult<T> | undefined> {
    const minTimeout = this.options.minWatchTimeoutMs ?? 5 * 60_000;
    const timeoutSeconds = Math.floor((minTimeout * (Math.random() + 1)) / 1000);
    const rv = this.lastSyncUnavailable ? '' : this.lastSyncResourceVersion;
    let result: WatchListResult<T>;
    try {
      result = await watchListSync(this.listerWatcher, rv, timeoutSeconds, signal, this.clock);
    } catch (err) {
      if (signal.aborted) throw err;
      const why = (err as Error)?.message ?? String(err);
      this.handleError(
        new Error(
          `${this.name}: the watch-list request ended with an error, falling back to LIST + WATCH (making progress is better than deadlocking): ${why}`,
          { cause: err },
        ),
      );
      return undefined;
    }
    this.lastSyncUnavailable = false;
    this.store.replace(result.items, result.resourceVersion);
    this.lastSyncResourceVersion = result.resourceVersion;
    return result;
  }

  private startResync(signal: AbortSignal): AbortController | undefined {
    const period = this.options.resyncPeriodMs ?? 0;
    if (period <= 0) return undefined;
    const ac = new AbortController();
    const both = AbortSignal.any([signal, ac.signal]);
    void (async () => {
      while (!both.aborted) {
        try {
          await sleep(period, both, this.clock);
        } catch {
          return;
        }
        if (this.options.shouldResync ? this.options.shouldResync() : true) this.store.resync();
      }
    })();
    return ac;
  }

  private async watchHandler(w: Watch<T>, signal: AbortSignal): Promise<void> {
    const started = this.clock.now();
    let events = 0;
    const onAbort = () => w.stop();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (w.nextBatch) {
        // A decoded chunk's events go into the store in one go: no promise hop per event.
        for (let batch = await w.nextBatch(); batch; batch = await w.nextBatch()) {
          for (const ev of batch) this.handleEvent(ev);
          events += batch.length;
        }
      } else {
        for await (const ev of w) {
          this.handleEvent(ev);
          events++;
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    if (signal.aborted) throw errorStopRequested;
    if (this.clock.now() - started < 1000 && events === 0) {
      throw new Error(
        `very short watch: ${this.name}: unexpected watch close - watch lasted less than a second and no items received`,
      );
    }
  }

  private handleEvent(ev: WatchEvent<T>): void {
    if (ev.type === 'ERROR') throw errorFromWatchObject(ev.object);
    const obj = ev.object;
    switch (ev.type) {
      case 'ADDED':
        this.store.add(obj);
        break;
      case 'MODIFIED':
        this.store.update(obj);
        break;
      case 'DELETED':
        this.store.delete(obj);
        break;
      case 'BOOKMARK':
        break;
    }
    const rv = obj?.metadata?.resourceVersion;
    if (rv) this.lastSyncResourceVersion = rv;
  }
}

function isTooLargeResourceVersion(err: unknown): boolean {
  if (!(err instanceof StatusError) || err.code !== 504) return false;
  return (err.status.details?.causes ?? []).some((c) => c.reason === 'ResourceVersionTooLarge');
}
