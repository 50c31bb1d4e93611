// The manager's shared cache: one SharedIndexInformer per resource and namespace, shared by every
// controller and reader, started with the manager (on standby replicas too, so a new leader starts
// warm). Readers hand out copies, so a reconcile may change what it read.
import type { Selector } from '../apimachinery/labels.js';
import type { KubeObject } from '../apimachinery/meta.js';
import type { ListWatchClient } from '../kubernetes/runtime.js';
import { Lister } from '../listers/lister.js';
import { listWatchFromResource } from '../tools/cache/listwatch.js';
import { SharedIndexInformer } from '../tools/cache/shared-informer.js';
import { sleep } from '../util/wait/backoff.js';
import { ControllerError } from './errors.js';

/** A typed or dynamic client of one resource (its namespace decides what the cache watches). */
export type ResourceClientOf<T extends KubeObject> = ListWatchClient<T>;

/** Options of {@link Cache}. */
export interface CacheOptions {
  /** Resync period of the informers (ms; 0, the default: none). */
  resyncMs?: number;
  /** Applied to every object before caching (default: drops metadata.managedFields). */
  transform?: (obj: KubeObject) => KubeObject;
}

/** Name and namespace of an object; a {@link Request} is one. */
export interface ObjectKey {
  namespace?: string;
  name: string;
}

const dropManagedFields = (obj: KubeObject): KubeObject => {
  if (obj.metadata?.managedFields) obj.metadata = { ...obj.metadata, managedFields: undefined };
  return obj;
};

/**
 * Reads one resource from the cache: typed, no API calls, copies out. The first read waits until
 * that resource's informer has synced.
 *
 * @example
 * const foos = mgr.cache.reader(fooClient);
 * const foo = await foos.get(request); // undefined when it does not exist (any more)
 * const web = await foos.list({ namespace: 'default', labelSelector: 'app=web' });
 */
export class CachedReader<T extends KubeObject> {
  constructor(
    private readonly cache: Cache,
    /** The informer behind this reader. */
    readonly informer: SharedIndexInformer<T>,
    private readonly resource: string,
  ) {}

  /** The object (a copy), or undefined when it is not in the cache. */
  async get(key: ObjectKey): Promise<T | undefined> {
    await this.cache.waitFor(this.informer);
    const k = key.namespace ? `${key.namespace}/${key.name}` : key.name;
    const obj = this.informer.getIndexer().getByKey(k);
    return obj === undefined ? undefined : structuredClone(obj);
  }

  /** The objects (copies) of a namespace (all when omitted) matching a label selector. */
  async list(options: { namespace?: string; labelSelector?: string | Selector } = {}): Promise<T[]> {
    await this.cache.waitFor(this.informer);
    return this.lister()
      .namespace(options.namespace ?? '')
      .list(options.labelSelector)
      .map((o) => structuredClone(o));
  }

  /** A synchronous Lister over the same cache (no copies: do not change what it returns). */
  lister(): Lister<T> {
    return new Lister<T>(this.informer.getIndexer(), this.resource);
  }
}

/**
 * One informer per resource and namespace, shared.
 *
 * @example
 * const cache = new Cache();
 * const pods = cache.reader(cs.coreV1.pods('default'));
 * cache.start(signal);
 * await cache.waitForSync(signal);
 */
export class Cache {
  private readonly informers = new Map<string, SharedIndexInformer<KubeObject>>();
  private readonly runs: Promise<void>[] = [];
  private signal: AbortSignal | undefined;

  constructor(private readonly options: CacheOptions = {}) {}

  /** The shared informer of the client's resource and namespace (created on first use; started at once when the cache runs). */
  informerFor<T extends KubeObject>(client: ResourceClientOf<T>): SharedIndexInformer<T> {
    const d = client.descriptor;
    const key = `${d.group}/${d.version}/${d.resource}/${d.namespaced ? client.ns : ''}`;
    let inf = this.informers.get(key) as SharedIndexInformer<T> | undefined;
    if (!inf) {
      inf = new SharedIndexInformer<T>(listWatchFromResource<T>(client), {
        name: d.resource,
        resyncPeriodMs: this.options.resyncMs ?? 0,
        transform: (this.options.transform ?? dropManagedFields) as unknown as (obj: T) => T,
      });
      this.informers.set(key, inf as unknown as SharedIndexInformer<KubeObject>);
      if (this.signal && !this.signal.aborted) this.runs.push(inf.run(this.signal));
    }
    return inf;
  }

  /** A typed reader of the client's resource. */
  reader<T extends KubeObject>(client: ResourceClientOf<T>): CachedReader<T> {
    return new CachedReader<T>(this, this.informerFor(client), client.descriptor.resource);
  }

  /** Starts every informer (and those created later) until the signal aborts. */
  start(signal: AbortSignal): void {
    if (this.signal) throw new ControllerError('the cache is started already');
    this.signal = signal;
    for (const inf of this.informers.values()) this.runs.push(inf.run(signal));
  }

  /** True once started and every informer has synced. */
  hasSynced(): boolean {
    return !!this.signal && [...this.informers.values()].every((i) => i.hasSynced());
  }

  /** Waits until every informer has synced; false when the signal aborted first. */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    while (!this.hasSynced()) {
      if (signal?.aborted || this.signal?.aborted) return false;
      await sleep(20, signal).catch(() => {});
    }
    return true;
  }

  /** Waits until one informer has synced (throws ControllerError when the cache is not running). */
  async waitFor<T extends KubeObject>(informer: SharedIndexInformer<T>): Promise<void> {
    while (!informer.hasSynced()) {
      if (!this.signal) throw new ControllerError('the cache is not started: read from it once the manager runs');
      if (this.signal.aborted) throw new ControllerError('the cache has stopped');
      await sleep(20, this.signal).catch(() => {});
    }
  }

  /** Resolves once every informer has stopped (after the start signal aborted). */
  async stopped(): Promise<void> {
    await Promise.all(this.runs);
  }
}
