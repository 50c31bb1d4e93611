// A work queue's backlog: the queued items in order plus the dirty set (items queued, or added
// again while in flight). Two kinds. SetBacklog (plain queues): a FIFO of items and a Set, one hash
// insert per new item and one delete per take. RecordBacklog (delaying queues): one map item ->
// record index, the record (parallel arrays) holding both the dirty flag and the item's waiting
// entry, and a FIFO of record indices. A new item that waits costs one hash operation in all (an
// insert into the set of items seen; the map is built only once some item is looked up again, and
// then costs a lookup and an insert per addAfter): coming due is array work only and a take deletes
// nothing, where separate waiting and dirty tables cost five (hash operations dominate these
// queues' cost in V8).

import { Fifo } from '../ds/fifo.js';

/**
 * The queued items and the dirty set of a work queue (internal to the work queues).
 *
 * @example
 * const b = new SetBacklog<string>();
 * const h = b.mark('a'); // -1 would mean: dirty already
 * b.enqueue('a', h);
 * b.shift(); // 'a', no longer dirty
 */
export interface Backlog<T> {
  /** Items queued. */
  readonly length: number;
  /** Marks the item dirty: a handle for {@link enqueue}, or -1 when it was dirty already. */
  mark(item: T): number;
  /** Queues a dirty item (the handle from {@link mark} or {@link dirtyHandle}). */
  enqueue(item: T, handle: number): void;
  /** The handle of a dirty item, or -1 when it is not dirty. */
  dirtyHandle(item: T): number;
  /** Takes the next queued item (length > 0), which is no longer dirty. */
  shift(): T;
}

/**
 * A plain queue's backlog: a FIFO of items and a dirty Set.
 *
 * @example
 * const b = new SetBacklog<number>();
 * b.enqueue(1, b.mark(1));
 * b.mark(1); // -1: queued already
 */
export class SetBacklog<T> implements Backlog<T> {
  private readonly fifo = new Fifo<T>();
  private readonly dirty = new Set<T>();

  get length(): number {
    return this.fifo.length;
  }

  mark(item: T): number {
    const dirty = this.dirty;
    const size = dirty.size;
    dirty.add(item); // one hash operation for both "is it dirty?" and "make it dirty"
    return dirty.size === size ? -1 : 0;
  }

  enqueue(item: T, _handle: number): void {
    this.fifo.push(item);
  }

  dirtyHandle(item: T): number {
    return this.dirty.has(item) ? 0 : -1;
  }

  shift(): T {
    const item = this.fifo.shift()!;
    this.dirty.delete(item);
    return item;
  }
}

/** Records beyond which an emptied backlog drops its tables and records (smaller ones are reused). */
const BURST = 4096;
/** The item slot of a record on the free list. */
const FREE: unique symbol = Symbol('free');
/** The item slot of a record no item owns any more while stale bucket entries still name it. */
const RETIRED: unique symbol = Symbol('retired');

/**
 * A delaying queue's backlog: item -> record, where a record holds the dirty flag and the waiting
 * entry's ready time. The delaying queue reads and writes the record arrays. Bucket entries name
 * records; an entry is live while its record waits and its ready time rounds up to the bucket's
 * millisecond, else stale (the item moved to an earlier bucket). A record with stale entries is not reused
 * until they are gone, so a bucket never mistakes another item's record for a stale entry's.
 *
 * The map is not told when an item leaves (a Map delete costs more than an insert in V8): an
 * entry counts only while its record still holds that item. The map is rebuilt from the records
 * when an insert finds it more than twice the owned ones, and dropped with the records when the
 * backlog empties after a burst.
 * Until an item is looked up again after its first add (a duplicate add, a re-add after its record
 * was dropped), the map is not even built: a Set of the items seen tells new items from known ones
 * with one hash operation (a Map needs a lookup and an insert). The first such lookup builds the
 * map from the records, and the map serves until the backlog empties after a burst.
 *
 * @example
 * const b = new RecordBacklog<string>();
 * if (b.findOrNew('a') < 0) b.create('a', 0, Number.NaN); // clean, not waiting
 * b.find('a'); // its record
 */
export class RecordBacklog<T> implements Backlog<T> {
  /** Item -> record (valid while the record holds the item); empty while `seen` is in use. */
  private index = new Map<T, number>();
  /** The items given a record since the backlog was last empty, until a lookup needs `index`. */
  private seen: Set<T> | undefined = new Set();
  item: Array<T | typeof FREE | typeof RETIRED> = [];
  /** 1 while the item is dirty. */
  dirty: number[] = [];
  /** The waiting entry's ready time; NaN when not waiting. */
  readyAt: number[] = [];
  /** Records owned by an item. */
  private owned = 0;
  /** Record -> its stale bucket entries (only records that have some). */
  private readonly stale = new Map<number, number>();
  private free: number[] = [];
  private readonly fifo = new Fifo<number>();

  get length(): number {
    return this.fifo.length;
  }

  /** The item's record, or -1. */
  find(item: T): number {
    const seen = this.seen;
    if (seen !== undefined) {
      if (!seen.has(item)) return -1;
      this.useIndex();
    }
    const r = this.index.get(item);
    if (r === undefined) return -1;
    const owner = this.item[r];
    // biome-ignore lint/suspicious/noSelfCompare: NaN items match themselves (SameValueZero, as a Set).
    return owner === item || (owner !== owner && item !== item) ? r : -1;
  }

  /** The item's record, or -1: then call {@link create} for it next (nothing in between). */
  findOrNew(item: T): number {
    const seen = this.seen;
    if (seen !== undefined) {
      const size = seen.size;
      seen.add(item);
      if (seen.size !== size) return -1; // never seen: no record
      this.useIndex();
    }
    return this.find(item);
  }

  /** A new record for an item {@link findOrNew} found none for. */
  create(item: T, dirty: number, readyAt: number): number {
    const r = this.free.length > 0 ? this.free.pop()! : this.item.length;
    this.item[r] = item;
    this.dirty[r] = dirty;
    this.readyAt[r] = readyAt;
    const owned = ++this.owned;
    const seen = this.seen;
    if (seen !== undefined) {
      if (seen.size >= 2 * owned + 1024) this.seen = this.ownedSet();
      return r;
    }
    const index = this.index;
    const size = index.size;
    index.set(item, r);
    if (index.size > size && size >= 2 * owned + 1024) this.index = this.ownedItems();
    return r;
  }

  mark(item: T): number {
    const r = this.findOrNew(item);
    if (r < 0) return this.create(item, 1, Number.NaN);
    if (this.dirty[r] === 1) return -1;
    this.dirty[r] = 1;
    return r;
  }

  enqueue(_item: T, handle: number): void {
    this.fifo.push(handle);
  }

  dirtyHandle(item: T): number {
    const r = this.find(item);
    return r >= 0 && this.dirty[r] === 1 ? r : -1;
  }

  shift(): T {
    const r = this.fifo.shift()!;
    const item = this.item[r] as T;
    this.dirty[r] = 0;
    const readyAt = this.readyAt[r]!;
    // biome-ignore lint/suspicious/noSelfCompare: NaN (not waiting) is the one value not equal to itself.
    if (readyAt !== readyAt) this.release(r);
    return item;
  }

  /** Record r's live entry in a later bucket becomes stale (the item moved earlier). */
  addStale(r: number): void {
    this.stale.set(r, (this.stale.get(r) ?? 0) + 1);
  }

  /** A stale bucket entry of record r was dropped. */
  dropStale(r: number): void {
    const left = this.stale.get(r)! - 1;
    if (left > 0) {
      this.stale.set(r, left);
      return;
    }
    this.stale.delete(r);
    if (this.item[r] === RETIRED) this.recycle(r);
  }

  /** The record is neither dirty nor waiting: its item no longer owns it. */
  release(r: number): void {
    this.owned--;
    if (this.stale.size > 0 && this.stale.has(r)) this.item[r] = RETIRED;
    else this.recycle(r);
  }

  private recycle(r: number): void {
    if (this.owned === 0 && this.stale.size === 0 && this.item.length > BURST) {
      // No item and no bucket entry names a record, after a burst: drop the tables and records
      // (they only grow), and tell new items from known ones by the seen set again.
      this.index = new Map();
      this.seen = new Set();
      this.item = [];
      this.dirty = [];
      this.readyAt = [];
      this.free = [];
      return;
    }
    this.item[r] = FREE;
    this.free.push(r);
  }

  /** From now on until the backlog empties after a burst, look items up in the map. */
  private useIndex(): void {
    this.seen = undefined;
    this.index = this.ownedItems();
  }

  /** The owned records' items. */
  private ownedSet(): Set<T> {
    const seen = new Set<T>();
    const items = this.item;
    for (let r = 0; r < items.length; r++) {
      const item = items[r];
      if (item !== FREE && item !== RETIRED) seen.add(item as T);
    }
    return seen;
  }

  /** A map of the owned records only. */
  private ownedItems(): Map<T, number> {
    const index = new Map<T, number>();
    const items = this.item;
    for (let r = 0; r < items.length; r++) {
      const item = items[r];
      if (item !== FREE && item !== RETIRED) index.set(item as T, r);
    }
    return index;
  }
}
