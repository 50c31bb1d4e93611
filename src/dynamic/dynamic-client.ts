// The dynamic client: any resource, by GroupVersionResource, on unstructured objects (plain JSON),
// so it works for CRDs without generated types.
import type { KubeList, KubeObject } from '../apimachinery/meta.js';
import type { GroupVersionResource } from '../apimachinery/schema.js';
import type { Config } from '../rest/config.js';
import { RESTClientPool } from '../rest/client-pool.js';
import type { RESTClient } from '../rest/rest-client.js';
import { ResourceClient } from '../kubernetes/resource-client.js';

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

  /** The client for one resource: use `.namespace(ns)` for namespaced resources. */
  resource(gvr: GroupVersionResource): DynamicResource {
    return new DynamicResource(this.pool.forGroupVersion(gvr), gvr);
  }
}

/** A resource of the dynamic client: cluster-wide as is, or in a namespace. */
export class DynamicResource extends ResourceClient<Unstructured, UnstructuredList> {
  constructor(rc: RESTClient, gvr: GroupVersionResource) {
    super(rc, { ...gvr, kind: '', namespaced: false });
  }

  /**
   * The resource in namespace `ns`.
   *
   * @example
   * await dyn.resource(gvr).namespace('default').list();
   */
  namespace(ns: string): ResourceClient<Unstructured, UnstructuredList> {
    return new ResourceClient<Unstructured, UnstructuredList>(
      this.restClient,
      { ...this.descriptor, namespaced: true },
      ns,
    );
  }
}
