// Store, ThreadSafeStore and Indexer: the informer's cache of objects by key, with secondary
// indexes (index name -> indexed value -> keys) kept up to date on every add/update/delete.
import type { KubeObject } from '../../apimachinery/meta.js';
import { type KeyFunc, metaNamespaceKeyFunc } from './keys.js';

/** Maps an object to the values it is indexed under. */
export type IndexFunc = (obj: unknown) => string[];
/** Index functions by index name. */
export type Indexers = Record<string, IndexFunc>;

/** The name of the built-in namespace index. */
export const NamespaceIndex = 'namespace';

/** Indexes objects by their namespace. */
export const metaNamespaceIndexFunc: IndexFunc = (obj) => {
  const ns = (obj as KubeObject | null)?.metadata?.namespace;
  return [ns ?? ''];
};

/** A keyed cache (client-go's cache.Store). */
export interface Store<T = unknown> {
  add(obj: T): void;
  update(obj: T): void;
  delete(obj: T): void;
  list(): T[];
  listKeys(): string[];
  get(obj: T): T | undefined;
  getByKey(key: string): T | undefined;
  /** Replaces the whole content (resourceVersion is informational). */
  replace(list: T[], resourceVersion: string): void;
  resync(): void;
}

/** A Store with indexes (client-go's cache.Indexer). */
export interface Indexer<T = unknown> extends Store<T> {
  /** Objects whose index values intersect those of `obj`. */
  index(indexName: string, obj: T): T[];
  /** Keys of objects indexed under `value`. */
  indexKeys(indexName: string, value: string): string[];
  /** Every value of an index. */
  listIndexFuncValues(indexName: string): string[];
  /** Objects indexed under `value`. */
  byIndex(indexName: string, value: string): T[];
  getIndexers(): Indexers;
  /** Adds index functions; allowed only while the store is empty (as client-go). */
  addIndexers(indexers: Indexers): void;
}

/**
 * The indexed map under every Indexer (client-go's threadSafeMap; JavaScript is single-threaded).
 *
 * @example
 * const s = new ThreadSafeStore<Pod>({ namespace: metaNamespaceIndexFunc });
 */
export class ThreadSafeStore<T> {
  private readonly items = new Map<string, T>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();
  private indexers: Indexers;
  /** The indexers as a list (updateIndices runs for every change). */
  private indexerList: Array<[string, IndexFunc]>;

  constructor(indexers: Indexers = {}) {
    this.indexers = { ...indexers };
    this.indexerList = Object.entries(this.indexers);
  }

  add(key: string, obj: T): void {
    this.update(key, obj);
  }

  update(key: string, obj: T): void {
    const old = this.items.get(key);
    this.items.set(key, obj);
    this.updateIndices(old, obj, key);
  }

  delete(key: string): void {
    const old = this.items.get(key);
    if (old === undefined && !this.items.has(key)) return;
    this.updateIndices(old, undefined, key);
    this.items.delete(key);
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  replace(items: Map<string, T>): void {
    this.items.clear();
    this.indices.clear();
    for (const [k, v] of items) {
      this.items.set(k, v);
      this.updateIndices(undefined, v, k);
    }
  }

  private fn(indexName: string): IndexFunc {
    const f = this.indexers[indexName];
    if (!f) throw new Error(`Index with name ${indexName} does not exist`);
    return f;
  }

  index(indexName: string, obj: T): T[] {
    const values = this.fn(indexName)(obj);
    const index = this.indices.get(indexName);
    const keys = new Set<string>();
    for (const v of values) for (const k of index?.get(v) ?? []) keys.add(k);
    return [...keys].map((k) => this.items.get(k)!);
  }

  indexKeys(indexName: string, value: string): string[] {
    this.fn(indexName);
    return [...(this.indices.get(indexName)?.get(value) ?? [])];
  }

  byIndex(indexName: string, value: string): T[] {
    return this.indexKeys(indexName, value).map((k) => this.items.get(k)!);
  }

  listIndexFuncValues(indexName: string): string[] {
    return [...(this.indices.get(indexName)?.keys() ?? [])];
  }

  getIndexers(): Indexers {
    return { ...this.indexers };
  }

  addIndexers(indexers: Indexers): void {
    if (this.items.size > 0) throw new Error('cannot add indexers to running index');
    for (const name of Object.keys(indexers)) {
      if (this.indexers[name]) throw new Error(`indexer conflict: ${name}`);
    }
    this.indexers = { ...this.indexers, ...indexers };
    this.indexerList = Object.entries(this.indexers);
  }

  private updateIndices(oldObj: T | undefined, newObj: T | undefined, key: string): void {
    for (const [name, fn] of this.indexerList) {
      const oldValues = oldObj === undefined ? [] : fn(oldObj);
      const newValues = newObj === undefined ? [] : fn(newObj);
      if (oldValues.length === 1 && newValues.length === 1 && oldValues[0] === newValues[0]) continue;
      let index = this.indices.get(name);
      if (!index) {
        index = new Map();
        this.indices.set(name, index);
      }
      for (const v of oldValues) {
        const set = index.get(v);
        if (!set) continue;
        set.delete(key);
        if (set.size === 0) index.delete(v);
      }
      for (const v of newValues) {
        let set = index.get(v);
        if (!set) {
          set = new Set();
          index.set(v, set);
        }
        set.add(key);
      }
    }
  }
}

class KeyedIndexer<T> implements Indexer<T> {
  private readonly store: ThreadSafeStore<T>;
  constructor(
    private readonly keyFunc: KeyFunc,
    indexers: Indexers,
  ) {
    this.store = new ThreadSafeStore<T>(indexers);
  }
  add(obj: T): void {
    this.store.add(this.keyFunc(obj), obj);
  }
  update(obj: T): void {
    this.store.update(this.keyFunc(obj), obj);
  }
  delete(obj: T): void {
    this.store.delete(this.keyFunc(obj));
  }
  list(): T[] {
    return this.store.list();
  }
  listKeys(): string[] {
    return this.store.listKeys();
  }
  get(obj: T): T | undefined {
    return this.store.get(this.keyFunc(obj));
  }
  getByKey(key: string): T | undefined {
    return this.store.get(key);
  }
  replace(list: T[], _resourceVersion: string): void {
    const m = new Map<string, T>();
    for (const o of list) m.set(this.keyFunc(o), o);
    this.store.replace(m);
  }
  resync(): void {}
  index(indexName: string, obj: T): T[] {
    return this.store.index(indexName, obj);
  }
  indexKeys(indexName: string, value: string): string[] {
    return this.store.indexKeys(indexName, value);
  }
  listIndexFuncValues(indexName: string): string[] {
    return this.store.listIndexFuncValues(indexName);
  }
  byIndex(indexName: string, value: string): T[] {
    return this.store.byIndex(indexName, value);
  }
  getIndexers(): Indexers {
    return this.store.getIndexers();
  }
  addIndexers(indexers: Indexers): void {
    this.store.addIndexers(indexers);
  }
}

/**
 * A Store keyed by `keyFunc`.
 *
 * @example
 * const store = newStore<Pod>(metaNamespaceKeyFunc);
 */
export function newStore<T>(keyFunc: KeyFunc = metaNamespaceKeyFunc): Store<T> {
  return new KeyedIndexer<T>(keyFunc, {});
}

/**
 * An Indexer keyed by `keyFunc` with these index functions.
 *
 * @example
 * const idx = newIndexer<Pod>(metaNamespaceKeyFunc, { [NamespaceIndex]: metaNamespaceIndexFunc });
 * idx.byIndex(NamespaceIndex, 'default');
 */
export function newIndexer<T>(keyFunc: KeyFunc, indexers: Indexers = {}): Indexer<T> {
  return new KeyedIndexer<T>(keyFunc, indexers);
}
