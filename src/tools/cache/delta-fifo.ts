// DeltaFIFO: the queue between the Reflector and the informer. Per object key it accumulates the
// changes (Added, Updated, Deleted, Replaced, Sync) in order; pop hands out all deltas of the oldest
// key at once. Objects missing from a relist become DeletedFinalStateUnknown deletions.
import type { KubeObject } from '../../apimachinery/meta.js';
import { Fifo } from '../../util/ds/fifo.js';
import { DeletedFinalStateUnknown, type KeyFunc, metaNamespaceKeyFunc } from './keys.js';
import { SyncedLatch } from './synced.js';

/** Kinds of change. */
export type DeltaType = 'Added' | 'Updated' | 'Deleted' | 'Replaced' | 'Sync';

/** One change of one object. */
export interface Delta<T = unknown> {
  type: DeltaType;
  object: T | DeletedFinalStateUnknown<T>;
}

/** What the FIFO needs of the informer's cache to detect deletions and resync. */
export interface KeyListerGetter<T> {
  listKeys(): string[];
  getByKey(key: string): T | undefined;
}

/** Options of {@link DeltaFIFO}. */
export interface DeltaFIFOOptions<T> {
  keyFunction?: KeyFunc;
  /** The cache the popped deltas end up in (the informer's indexer). */
  knownObjects?: KeyListerGetter<T>;
  /** Emit Replaced (not Sync) for objects of a relist (informers set this). */
  emitDeltaTypeReplaced?: boolean;
  /** Applied to each object before it is queued (not to tombstones). */
  transformer?: (obj: T) => T;
}

/** Popping from a closed FIFO. */
export class FIFOClosedError extends Error {
  override readonly name = 'FIFOClosedError';
  constructor() {
    super('DeltaFIFO: manipulating with closed queue');
  }
}

/** Thrown by a pop processor to put the deltas back (client-go's ErrRequeue). */
export class RequeueError extends Error {
  override readonly name = 'RequeueError';
}

/**
 * Processes the deltas of one key; `isInInitialList` is true for the first relist's items; `key` is
 * the FIFO's key of the object.
 */
export type PopProcessFunc<T> = (deltas: Delta<T>[], isInInitialList: boolean, key: string) => void | Promise<void>;

/**
 * client-go's DeltaFIFO.
 *
 * @example
 * const fifo = new DeltaFIFO<Pod>({ knownObjects: indexer, emitDeltaTypeReplaced: true });
 * fifo.add(pod);
 * await fifo.pop((deltas) => { for (const d of deltas) console.log(d.type); });
 */
export class DeltaFIFO<T = unknown> {
  private readonly items = new Map<string, Delta<T>[]>();
  private queue = new Fifo<string>();
  private populated = false;
  private initialPopulationCount = 0;
  private closed = false;
  /** Every pending pop/popAll (all are woken on a change, as client-go's cond.Broadcast). */
  private waiters: Array<() => void> = [];
  private readonly keyFunc: KeyFunc;
  private readonly synced = new SyncedLatch();

  constructor(private readonly options: DeltaFIFOOptions<T> = {}) {
    this.keyFunc = options.keyFunction ?? metaNamespaceKeyFunc;
  }

  /** The key of an object, a tombstone or a delta list. */
  keyOf(obj: unknown): string {
    if (Array.isArray(obj)) {
      const last = obj[obj.length - 1] as Delta<T> | undefined;
      if (!last) throw new Error('zero length Deltas object; cannot get key');
      obj = last.object;
    }
    if (obj instanceof DeletedFinalStateUnknown) return obj.key;
    return this.keyFunc(obj);
  }

  /** True once the first Replace (or any add) happened and its items have all been popped. */
  hasSynced(): boolean {
    return this.populated && this.initialPopulationCount === 0;
  }

  /**
   * Resolves once {@link hasSynced} is true (after the last item of the first list was processed).
   *
   * @example
   * await fifo.whenSynced();
   */
  whenSynced(): Promise<void> {
    return this.synced.wait();
  }

  /** Opens the synced latch when the FIFO just became synced. */
  private checkSynced(): void {
    if (!this.synced.isOpen && this.populated && this.initialPopulationCount === 0) this.synced.open();
  }

  add(obj: T): void {
    this.populated = true;
    this.queueAction('Added', obj);
    this.checkSynced();
  }

  update(obj: T): void {
    this.populated = true;
    this.queueAction('Updated', obj);
    this.checkSynced();
  }

  /** Queues a deletion unless the object is unknown to both the FIFO and knownObjects. */
  delete(obj: T | DeletedFinalStateUnknown<T>): void {
    const id = this.keyOf(obj);
    this.populated = true;
    this.checkSynced();
    const known = this.options.knownObjects;
    if (!known) {
      if (!this.items.has(id)) return;
    } else if (known.getByKey(id) === undefined && !this.items.has(id)) {
      return;
    }
    this.queueAction('Deleted', obj);
  }

  /** Keys currently queued. */
  listKeys(): string[] {
    return [...this.items.keys()];
  }

  /** The deltas queued for a key (a copy). */
  getByKey(key: string): Delta<T>[] | undefined {
    const d = this.items.get(key);
    return d ? [...d] : undefined;
  }

  /** Number of keys queued. */
  get length(): number {
    return this.queue.length;
  }

  /**
   * Replaces the content after a list: each item gets a Replaced (or Sync) delta; keys queued or
   * known but absent from the list get a Deleted delta with a DeletedFinalStateUnknown holding the
   * newest queued object, or else the known one.
   */
  replace(list: T[], _resourceVersion: string): void {
    const action: DeltaType = this.options.emitDeltaTypeReplaced ? 'Replaced' : 'Sync';
    const keys = new Set<string>();
    for (const item of list) {
      const id = this.keyOf(item);
      keys.add(id);
      this.queueAction(action, item, id);
    }
    let queuedDeletions = 0;
    for (const [k, deltas] of this.items) {
      if (keys.has(k)) continue;
      const last = deltas[deltas.length - 1]?.object;
      const obj = last instanceof DeletedFinalStateUnknown ? last.obj : last;
      queuedDeletions++;
      this.queueAction('Deleted', new DeletedFinalStateUnknown<T>(k, obj));
    }
    const known = this.options.knownObjects;
    if (known) {
      for (const k of known.listKeys()) {
        if (keys.has(k) || this.items.has(k)) continue;
        queuedDeletions++;
        this.queueAction('Deleted', new DeletedFinalStateUnknown<T>(k, known.getByKey(k)));
      }
    }
    if (!this.populated) {
      this.populated = true;
      this.initialPopulationCount = keys.size + queuedDeletions;
      this.checkSynced();
    }
  }

  /** Queues a Sync delta for every known object that has no pending deltas. */
  resync(): void {
    const known = this.options.knownObjects;
    if (!known) return;
    for (const k of known.listKeys()) {
      const obj = known.getByKey(k);
      if (obj === undefined) continue;
      const id = this.keyOf(obj);
      if ((this.items.get(id)?.length ?? 0) > 0) continue;
      this.queueAction('Sync', obj);
    }
  }

  /**
   * Waits for the oldest key and processes all of its deltas. A RequeueError from `process` puts
   * them back; other errors propagate. Rejects with FIFOClosedError once closed and empty.
   */
  async pop(process: PopProcessFunc<T>): Promise<Delta<T>[]> {
    while (this.queue.length === 0) {
      if (this.closed) throw new FIFOClosedError();
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
      });
    }
    const id = this.queue.shift()!;
    const isInInitialList = !this.hasSynced();
    if (this.initialPopulationCount > 0) this.initialPopulationCount--;
    const deltas = this.items.get(id)!;
    this.items.delete(id);
    try {
      await process(deltas, isInInitialList, id);
    } catch (err) {
      if (err instanceof RequeueError) {
        if (!this.items.has(id)) {
          this.items.set(id, deltas);
          this.queue.push(id);
        }
      } else {
        throw err;
      }
    } finally {
      if (isInInitialList) this.checkSynced();
    }
    return deltas;
  }

  /**
   * Waits until something is queued, then pops and processes every queued key in order, without
   * yielding between keys when `process` is synchronous (the informer's hot path). Same semantics as
   * calling {@link pop} repeatedly.
   */
  async popAll(process: PopProcessFunc<T>): Promise<number> {
    while (this.queue.length === 0) {
      if (this.closed) throw new FIFOClosedError();
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
      });
    }
    let n = 0;
    while (this.queue.length > 0) {
      const id = this.queue.shift()!;
      const isInInitialList = !this.hasSynced();
      if (this.initialPopulationCount > 0) this.initialPopulationCount--;
      const deltas = this.items.get(id)!;
      this.items.delete(id);
      n++;
      try {
        const r = process(deltas, isInInitialList, id);
        if (r && typeof (r as Promise<void>).then === 'function') await r;
      } catch (err) {
        if (!(err instanceof RequeueError)) throw err;
        if (!this.items.has(id)) {
          this.items.set(id, deltas);
          this.queue.push(id);
        }
        return n; // let the caller come back rather than spin on a requeued key
      } finally {
        if (isInInitialList) this.checkSynced();
      }
    }
    return n;
  }

  /** Closes the FIFO: pending pops reject with FIFOClosedError once the queue is empty. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  /** True once closed. */
  isClosed(): boolean {
    return this.closed;
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  private queueAction(type: DeltaType, obj: T | DeletedFinalStateUnknown<T>, id = this.keyOf(obj)): void {
    if (this.options.transformer && !(obj instanceof DeletedFinalStateUnknown))
      obj = this.options.transformer(obj as T);
    const delta: Delta<T> = { type, object: obj };
    const old = this.items.get(id);
    if (!old) {
      this.items.set(id, [delta]);
      this.queue.push(id);
    } else {
      // Pending delta lists belong to the FIFO until popped (getByKey hands out copies): append in place.
      old.push(delta);
      dedupLastInPlace(old);
    }
    this.wake();
  }
}

/**
 * The one delta two trailing deletions collapse into, if they are: the earlier one unless it is a
 * tombstone (client-go's isDeletionDup).
 */
function collapsedTrailingDeletion<T>(deltas: Delta<T>[]): Delta<T> | undefined {
  const n = deltas.length;
  if (n < 2) return undefined;
  const a = deltas[n - 1]!;
  const b = deltas[n - 2]!;
  if (a.type !== 'Deleted' || b.type !== 'Deleted') return undefined;
  return b.object instanceof DeletedFinalStateUnknown ? a : b;
}

/** dedupDeltas for a list the FIFO owns: rewrites it in place. */
function dedupLastInPlace<T>(deltas: Delta<T>[]): void {
  const keep = collapsedTrailingDeletion(deltas);
  if (!keep) return;
  deltas.length -= 1;
  deltas[deltas.length - 1] = keep;
}

/**
 * Collapses two trailing deletions into one: the earlier one, unless it is a tombstone (client-go's
 * dedupDeltas).
 *
 * @example
 * dedupDeltas([{ type: 'Deleted', object: a }, { type: 'Deleted', object: tombstone }]); // [{ Deleted a }]
 */
export function dedupDeltas<T>(deltas: Delta<T>[]): Delta<T>[] {
  const keep = collapsedTrailingDeletion(deltas);
  return keep ? [...deltas.slice(0, -2), keep] : deltas;
}

/** resourceVersion of an object (for Replaced-as-Sync detection). */
export function resourceVersionOf(obj: unknown): string | undefined {
  return (obj as KubeObject | null)?.metadata?.resourceVersion;
}
