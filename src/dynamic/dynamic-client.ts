// The dynamic client: any resource, by GroupVersionResource, on unstructured objects (plain JSON),
// so it works for CRDs without generated types.
import type { KubeList, KubeObject, ListOptions } from '../apimachinery/meta.js';
import type { GroupVersionResource } from '../apimachinery/schema.js';
import type { Config } from '../rest/config.js';
import { RESTClientPool } from '../rest/client-pool.js';
import type { RESTClient } from '../rest/rest-client.js';
import { ResourceClient, type WithSignal } from '../client/resource-client.js';

/** An object of any kind as plain JSON. */
export interface Unstructured extends KubeObject {
  [field: string]: unknown;
}
/** A list of unstructured objects. */
export type UnstructuredList = KubeList<Unstructured>;

/**
 * client-go's dynamic.Interface.
 *
 * @example
 * const dyn = DynamicClient.forConfig(config);
 * const foos = dyn.resource({ group: 'samplecontroller.k8s.io', version: 'v1alpha1', resource: 'foos' });
 * const foo = await foos.namespace('default').get('example');
 */
export class DynamicClient {
  private readonly pool: RESTClientPool;

  constructor(config: Config) {
    this.pool = new RESTClientPool(config);
  }

  /** A client sharing one rate limiter and connection pool across group versions. */
  static forConfig(config: Config): DynamicClient {
    return new DynamicClient(config);
  }

  /**
   * Releases the connection pool reference of this client (the pool closes when no other client
   * uses it; requests in flight finish first). Requests afterwards fail with a TransportError of
   * code `CLIENT_CLOSED`.
   *
   * @example
   * const dyn = DynamicClient.forConfig(config);
   * try { await dyn.resource(gvr).list(); } finally { await dyn.close(); }
   */
  close(): Promise<void> {
    return this.pool.close();
  }

  /**
   * The client for one resource: use `.namespace(ns)` for namespaced resources. Objects are
   * `Unstructured` unless you name their type (a CRD's generated or hand-written type): the
   * dynamic client does not check it, the server's schema does.
   *
   * @example
   * const foos = dyn.resource<Foo>(fooGvr).namespace('default');
   * const foo: Foo = await foos.get('example'); // typed, no cast
   */
  resource<T extends KubeObject = Unstructured>(gvr: GroupVersionResource): DynamicResource<T> {
    return new DynamicResource<T>(this.pool.forGroupVersion(gvr), gvr);
  }
}

/**
 * Gives each item that has neither apiVersion nor kind the list's apiVersion and its kind without
 * "List" (the apiserver leaves them out of the items of built-in lists), as client-go decodes an
 * UnstructuredList. A generic `List` says nothing about its items' kinds and is left alone.
 */
function withItemTypes<L extends KubeList<KubeObject>>(list: L): L {
  const apiVersion = list.apiVersion;
  const kind = list.kind?.endsWith('List') ? list.kind.slice(0, -'List'.length) : '';
  if (!apiVersion || !kind || !Array.isArray(list.items)) return list;
  for (const item of list.items) {
    if (!item.apiVersion && !item.kind) {
      item.apiVersion = apiVersion;
      item.kind = kind;
    }
  }
  return list;
}

/** A dynamic client of one resource in one namespace (or cluster-wide); `T` defaults to Unstructured. */
export class DynamicResourceClient<T extends KubeObject = Unstructured> extends ResourceClient<T, KubeList<T>> {
  /** LIST objects; items without apiVersion and kind get them from the list, as in client-go. */
  override async list(options?: WithSignal<ListOptions>): Promise<KubeList<T>> {
    return withItemTypes(await super.list(options));
  }
}

/** A resource of the dynamic client: cluster-wide as is, or in a namespace. */
export class DynamicResource<T extends KubeObject = Unstructured> extends DynamicResourceClient<T> {
  constructor(rc: RESTClient, gvr: GroupVersionResource) {
    super(rc, { ...gvr, kind: '', namespaced: false });
  }

  /**
   * The resource in namespace `ns`.
   *
   * @example
   * await dyn.resource(gvr).namespace('default').list();
   */
  namespace(ns: string): DynamicResourceClient<T> {
    return new DynamicResourceClient<T>(this.restClient, { ...this.descriptor, namespaced: true }, ns);
  }
}
