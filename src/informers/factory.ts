// SharedInformerFactory: one shared informer per resource for a whole program, with typed access
// that mirrors the Clientset (`factory.coreV1.configMaps.informer()` / `.lister()`), started and
// synced together.
import type { KubeObject, ListOptions } from '../apimachinery/meta.js';
import type { GroupVersionResource } from '../apimachinery/schema.js';
import type { Clientset } from '../kubernetes/index.js';
import type { ListWatchClient, ResourceWatcher } from '../kubernetes/runtime.js';
import { Lister } from '../listers/lister.js';
import { listWatchFromResource } from '../tools/cache/listwatch.js';
import { SharedIndexInformer } from '../tools/cache/shared-informer.js';
import type { Indexers } from '../tools/cache/store.js';

/** Options of {@link SharedInformerFactory}. */
export interface SharedInformerFactoryOptions {
  /** Default resync period of informers (ms; 0: none). */
  defaultResyncMs?: number;
  /** Watch one namespace only ('' = all). */
  namespace?: string;
  /** Adjusts every list/watch (label or field selectors). */
  tweakListOptions?: (options: ListOptions) => void;
  /** Applied to every object before caching. */
  transform?: (obj: KubeObject) => KubeObject;
  /** Extra indexes of every informer. */
  indexers?: Indexers;
}

/** A dynamic or metadata client: resources by GroupVersionResource. */
export interface ResourceSource {
  resource(gvr: GroupVersionResource): ListWatchClient<KubeObject> & {
    namespace(ns: string): ListWatchClient<KubeObject>;
  };
}

/** Typed access to one resource's shared informer and lister. */
export interface InformerAccess<T extends KubeObject> {
  informer(): SharedIndexInformer<T>;
  lister(): Lister<T>;
}

type ObjectOf<C> =
  C extends ResourceWatcher<infer T> ? T : C extends (ns?: string) => ResourceWatcher<infer T> ? T : never;

/** The informers of one group version client: one property per resource that serves list and watch. */
export type GroupVersionInformers<C> = {
  [K in keyof C as K extends 'restClient'
    ? never
    : C[K] extends ListWatchClient<KubeObject> | ((ns?: string) => ListWatchClient<KubeObject>)
      ? K
      : never]: InformerAccess<ObjectOf<C[K]> & KubeObject>;
};

/** Group version accessors of the factory, mirroring the Clientset. */
export type FactoryGroupVersions = {
  [G in keyof Clientset as Clientset[G] extends { restClient: unknown } ? G : never]: GroupVersionInformers<
    Clientset[G]
  >;
};

/**
 * True when every informer in a {@link SharedInformerFactory.waitForCacheSync} result synced (and
 * for an empty map, as nothing was left to wait for).
 *
 * @example
 * factory.start(signal);
 * const synced = await factory.waitForCacheSync(signal).then(allSynced);
 * if (!synced) return; // aborted before the caches filled
 */
export function allSynced(results: ReadonlyMap<string, boolean>): boolean {
  for (const synced of results.values()) if (!synced) return false;
  return true;
}

/**
 * client-go's SharedInformerFactory.
 *
 * @example
 * const factory = SharedInformerFactory.create(cs, { defaultResyncMs: 30_000 });
 * const pods = factory.coreV1.pods;
 * pods.informer().addEventHandler({ onAdd: (p) => queue.add(metaNamespaceKeyFunc(p)) });
 * factory.start(signal);
 * if (!allSynced(await factory.waitForCacheSync(signal))) return;
 * pods.lister().namespace('default').list('app=web');
 */
export class SharedInformerFactory {
  private readonly informers = new Map<string, SharedIndexInformer<KubeObject>>();
  private readonly started = new Set<string>();
  private readonly runs: Promise<void>[] = [];
  private shuttingDown = false;

  private constructor(
    readonly clientset: Clientset | undefined,
    private readonly options: SharedInformerFactoryOptions,
    private readonly source?: ResourceSource,
  ) {}

  /**
   * A factory for any resource by GroupVersionResource over a DynamicClient (unstructured objects)
   * or a MetadataClient (metadata only): client-go's dynamic and metadata informer factories.
   *
   * @example
   * const f = SharedInformerFactory.forResources(MetadataClient.forConfig(config), { namespace: 'default' });
   * const secrets = f.forResource({ group: '', version: 'v1', resource: 'secrets' });
   */
  static forResources(source: ResourceSource, options: SharedInformerFactoryOptions = {}): SharedInformerFactory {
    return new SharedInformerFactory(undefined, options, source);
  }

  /** Typed access for a resource of the dynamic or metadata client this factory was made with. */
  forResource(gvr: GroupVersionResource): InformerAccess<KubeObject> {
    if (!this.source)
      throw new Error('forResource needs a factory made with SharedInformerFactory.forResources(client)');
    const r = this.source.resource(gvr);
    return this.access(this.options.namespace ? r.namespace(this.options.namespace) : r);
  }

  /** A factory over a Clientset. */
  static create(
    clientset: Clientset,
    options: SharedInformerFactoryOptions = {},
  ): SharedInformerFactory & FactoryGroupVersions {
    const factory = new SharedInformerFactory(clientset, options);
    return new Proxy(factory, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && !(prop in target)) {
          const gvClient = (clientset as unknown as Record<string, unknown>)[prop];
          if (gvClient && typeof gvClient === 'object' && 'restClient' in gvClient)
            return target.groupVersion(gvClient as Record<string, unknown>);
        }
        return Reflect.get(target, prop, receiver);
      },
    }) as SharedInformerFactory & FactoryGroupVersions;
  }

  private groupVersion(gvClient: Record<string, unknown>): Record<string, InformerAccess<KubeObject>> {
    return new Proxy(
      {},
      {
        get: (_t, prop) => {
          if (typeof prop !== 'string') return undefined;
          const member = gvClient[prop];
          const client = (
            typeof member === 'function'
              ? (member as (ns: string) => unknown).call(gvClient, this.options.namespace ?? '')
              : member
          ) as ListWatchClient<KubeObject>;
          if (!client || typeof client !== 'object' || !('descriptor' in client)) return undefined;
          return this.access(client);
        },
      },
    );
  }

  /**
   * The namespace every informer of this factory watches ('' for all): what generated CRD
   * informers pass to their clients.
   *
   * @example
   * SharedInformerFactory.create(cs, { namespace: 'team-a' }).namespace; // 'team-a'
   */
  get namespace(): string {
    return this.options.namespace ?? '';
  }

  /** Typed access for any client that serves list and watch (e.g. a generated CRD client). */
  access<T extends KubeObject>(client: ListWatchClient<T>): InformerAccess<T> {
    return {
      informer: () => this.informerFor(client),
      lister: () => new Lister<T>(this.informerFor(client).getIndexer(), client.descriptor.resource),
    };
  }

  /** The shared informer of a resource (created on first use). */
  informerFor<T extends KubeObject>(client: ListWatchClient<T>): SharedIndexInformer<T> {
    const d = client.descriptor;
    const key = `${d.group}/${d.version}/${d.resource}`;
    let inf = this.informers.get(key) as SharedIndexInformer<T> | undefined;
    if (!inf) {
      inf = new SharedIndexInformer<T>(listWatchFromResource<T>(client, this.options.tweakListOptions), {
        name: d.resource,
        resyncPeriodMs: this.options.defaultResyncMs ?? 0,
        indexers: this.options.indexers,
        transform: this.options.transform as ((obj: T) => T) | undefined,
      });
      this.informers.set(key, inf as unknown as SharedIndexInformer<KubeObject>);
    }
    return inf;
  }

  /** Starts every informer requested so far that is not running yet; does nothing after {@link shutdown}. */
  start(signal: AbortSignal): void {
    if (this.shuttingDown) return;
    for (const [key, inf] of this.informers) {
      if (this.started.has(key)) continue;
      this.started.add(key);
      this.runs.push(inf.run(signal));
    }
  }

  /**
   * Waits until every started informer has synced (or the signal aborted) and resolves a Map of
   * informer key (`group/version/resource`) to whether it synced, as client-go's factory does.
   * A Map is always truthy: `if (!(await factory.waitForCacheSync(signal)))` never fires. Pass the
   * result to {@link allSynced} for one boolean.
   *
   * @example
   * if (!allSynced(await factory.waitForCacheSync(signal))) throw new Error('caches did not sync');
   */
  async waitForCacheSync(signal?: AbortSignal): Promise<Map<string, boolean>> {
    const out = new Map<string, boolean>();
    for (const key of this.started) {
      const inf = this.informers.get(key)!;
      while (!inf.hasSynced() && !signal?.aborted) await new Promise((r) => setTimeout(r, 50));
      out.set(key, inf.hasSynced());
    }
    return out;
  }

  /**
   * Marks the factory as shutting down (later {@link start} calls start nothing) and resolves once
   * every started informer has stopped. It does not stop them itself: abort the signal given to
   * {@link start} first, as client-go's Shutdown waits for the stop channel.
   *
   * @example
   * ac.abort();
   * await factory.shutdown(); // every informer's run() has returned
   */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    await Promise.all(this.runs);
  }
}
