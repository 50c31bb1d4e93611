// SharedIndexInformer: one Reflector + DeltaFIFO + Indexer per resource, shared by any number of
// handlers. Deltas are applied to the indexer, then fanned out to each handler's own buffered
// listener; handlers can be added before or after start and each can ask for its own resync.
import type { KubeObject } from '../../apimachinery/meta.js';
import { globalLogger } from '../../util/log/global.js';
import { sleep } from '../../util/wait/backoff.js';
import { holdAbortListeners } from '../../util/wait/shared-signal.js';
import { type Delta, DeltaFIFO, FIFOClosedError, resourceVersionOf } from './delta-fifo.js';
import type { ResourceEventHandler } from './event-handler.js';
import { deletionHandlingMetaNamespaceKeyFunc } from './keys.js';
import type { ListerWatcher } from './listwatch.js';
import { type Notification, ProcessorListener, type ResourceEventHandlerRegistration } from './processor-listener.js';
import { Reflector, type ReflectorOptions } from './reflector.js';
import { type Indexer, type Indexers, metaNamespaceIndexFunc, NamespaceIndex, newIndexer } from './store.js';

/** Options of {@link SharedIndexInformer}. */
export interface SharedInformerOptions<T> {
  /** Default resync period of handlers (ms; 0: none). */
  resyncPeriodMs?: number;
  /** Extra indexes; the namespace index is always there. */
  indexers?: Indexers;
  /** Applied to every object before it is cached (e.g. drop managedFields). */
  transform?: (obj: T) => T;
  /** Called when a handler throws (default: a line on stderr). */
  handleError?: (err: unknown) => void;
  /** Reflector tuning (page size, watch error handler, backoff). */
  reflector?: Omit<ReflectorOptions, 'resyncPeriodMs' | 'shouldResync'>;
  /** For log lines. */
  name?: string;
}

const MINIMUM_RESYNC_PERIOD_MS = 1000;

/**
 * client-go's SharedIndexInformer.
 *
 * @example
 * const informer = new SharedIndexInformer<ConfigMap>(newListWatchFromClient(rc, 'configmaps', 'default'));
 * informer.addEventHandler({ onAdd: (cm) => console.log('added', cm.metadata?.name) });
 * void informer.run(signal);
 * await waitForCacheSync(signal, () => informer.hasSynced());
 */
export class SharedIndexInformer<T extends KubeObject = KubeObject> {
  private readonly indexer: Indexer<T>;
  private readonly fifo: DeltaFIFO<T>;
  private readonly listeners = new Set<ProcessorListener<T>>();
  /** Listeners that get sync updates: every new listener, then those due at the last resync check. */
  private syncingListeners = new Set<ProcessorListener<T>>();
  private reflector: Reflector<T> | undefined;
  private started = false;
  private stopped = false;
  private resyncCheckPeriodMs: number;
  private readonly handleError: (err: unknown) => void;
  private watchErrorHandler: ((err: unknown) => void) | undefined;

  constructor(
    private readonly listerWatcher: ListerWatcher<T>,
    private readonly options: SharedInformerOptions<T> = {},
  ) {
    this.indexer = newIndexer<T>(deletionHandlingMetaNamespaceKeyFunc, {
      [NamespaceIndex]: metaNamespaceIndexFunc,
      ...options.indexers,
    });
    this.fifo = new DeltaFIFO<T>({
      keyFunction: deletionHandlingMetaNamespaceKeyFunc,
      knownObjects: this.indexer,
      emitDeltaTypeReplaced: true,
      transformer: options.transform,
    });
    this.resyncCheckPeriodMs = options.resyncPeriodMs ?? 0;
    this.handleError =
      options.handleError ??
      ((err) =>
        globalLogger.error(`informer ${options.name ?? ''} handler error: ${String((err as Error)?.stack ?? err)}`));
    this.watchErrorHandler = options.reflector?.watchErrorHandler;
  }

  /**
   * Adds a handler; with a resync period (ms) it also gets periodic updates with old === new.
   * Added after start, it first receives an add for every cached object.
   */
  addEventHandler(handler: ResourceEventHandler<T>, resyncPeriodMs?: number): ResourceEventHandlerRegistration {
    if (this.stopped) throw new Error('handler was not added to shared informer because it has stopped already');
    let period = resyncPeriodMs ?? this.options.resyncPeriodMs ?? 0;
    if (period > 0 && period < MINIMUM_RESYNC_PERIOD_MS) period = MINIMUM_RESYNC_PERIOD_MS;
    if (period > 0) {
      if (!this.started) {
        if (this.resyncCheckPeriodMs === 0 || period < this.resyncCheckPeriodMs) this.resyncCheckPeriodMs = period;
      } else if (this.resyncCheckPeriodMs === 0) {
        globalLogger.warn('informer: resync period ignored: the informer was started without resync');
        period = 0;
      } else if (period < this.resyncCheckPeriodMs) {
        period = this.resyncCheckPeriodMs;
      }
    }
    const listener = new ProcessorListener<T>(handler, period, () => this.hasSynced(), this.handleError);
    this.listeners.add(listener);
    this.syncingListeners.add(listener);
    if (this.started) {
      for (const obj of this.indexer.list()) listener.add({ kind: 'add', obj, isInInitialList: true });
      void listener.run();
    }
    return listener;
  }

  /** Stops delivering to a handler. */
  removeEventHandler(registration: ResourceEventHandlerRegistration): void {
    const l = registration as ProcessorListener<T>;
    if (!this.listeners.delete(l)) return;
    this.syncingListeners.delete(l);
    l.stop();
  }

  /** Adds indexes (only before start, as client-go). */
  addIndexers(indexers: Indexers): void {
    if (this.started) throw new Error('informer has already started');
    this.indexer.addIndexers(indexers);
  }

  /** Sets the handler for list/watch errors (only before start). */
  setWatchErrorHandler(handler: (err: unknown) => void): void {
    if (this.started) throw new Error('informer has already started');
    this.watchErrorHandler = handler;
  }

  /** The cache. */
  getIndexer(): Indexer<T> {
    return this.indexer;
  }

  /** The cache, as a Store. */
  getStore(): Indexer<T> {
    return this.indexer;
  }

  /** True once the first list has been delivered into the cache. */
  hasSynced(): boolean {
    return this.fifo.hasSynced();
  }

  /** The resourceVersion the informer has seen last. */
  lastSyncResourceVersion(): string {
    return this.reflector?.getLastSyncResourceVersion() ?? '';
  }

  /** True while running. */
  isStarted(): boolean {
    return this.started && !this.stopped;
  }

  /** Runs until the signal aborts (resolves then). */
  async run(signal: AbortSignal): Promise<void> {
    if (this.started) throw new Error('informer already started');
    this.started = true;
    this.reflector = new Reflector<T>(this.listerWatcher, this.fifo, {
      name: this.options.name,
      ...this.options.reflector,
      watchErrorHandler: this.watchErrorHandler,
      resyncPeriodMs: this.resyncCheckPeriodMs,
      shouldResync: () => this.shouldResync(),
    });
    for (const l of this.listeners) void l.run();
    // Many informers usually share one stop signal; this one holds a listener on it.
    const release = holdAbortListeners(signal, 1);
    const reflectorDone = this.reflector.run(signal);
    const onAbort = () => this.fifo.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        try {
          await this.fifo.popAll((deltas, initial, key) => this.handleDeltas(deltas, initial, key));
        } catch (err) {
          if (err instanceof FIFOClosedError) break;
          this.handleError(err);
          await sleep(10).catch(() => {});
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.stopped = true;
      for (const l of this.listeners) l.stop();
      await reflectorDone;
      release();
    }
  }

  private shouldResync(): boolean {
    const now = Date.now();
    this.syncingListeners = new Set();
    for (const l of this.listeners) {
      if (l.shouldResync(now)) {
        this.syncingListeners.add(l);
        l.determineNextResync(now);
      }
    }
    return this.syncingListeners.size > 0;
  }

  private distribute(n: Notification<T>, sync: boolean): void {
    for (const l of sync ? this.syncingListeners : this.listeners) l.add(n);
  }

  /** `key`: the FIFO's key, which is the indexer's too (same key function). */
  private handleDeltas(deltas: Delta<T>[], isInInitialList: boolean, key: string): void {
    for (const d of deltas) {
      const obj = d.object as T;
      if (d.type === 'Deleted') {
        this.indexer.delete(obj);
        this.distribute({ kind: 'delete', obj: d.object }, false);
        continue;
      }
      const old = this.indexer.getByKey(key);
      if (old !== undefined) {
        this.indexer.update(obj);
        const isSync =
          d.type === 'Sync' || (d.type === 'Replaced' && resourceVersionOf(old) === resourceVersionOf(obj));
        this.distribute({ kind: 'update', oldObj: old, newObj: obj }, isSync);
      } else {
        this.indexer.add(obj);
        this.distribute({ kind: 'add', obj, isInInitialList }, false);
      }
    }
  }
}

/**
 * Waits until every `hasSynced` returns true; false when the signal aborted first.
 *
 * @example
 * if (!(await waitForCacheSync(signal, () => pods.hasSynced(), () => deployments.hasSynced()))) return;
 */
export async function waitForCacheSync(
  signal: AbortSignal | undefined,
  ...hasSynced: Array<() => boolean>
): Promise<boolean> {
  while (!hasSynced.every((f) => f())) {
    if (signal?.aborted) return false;
    await sleep(100, signal).catch(() => {});
  }
  return true;
}
