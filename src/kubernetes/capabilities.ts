// Capability types of a resource client: one small interface per call the API server can serve
// (get, list, watch, create, update, patch, apply, delete, deletecollection, the status and scale
// subresources). The runtime has one class, ResourceClient, which has every method; the generated
// accessors return the intersection of the capabilities the OpenAPI spec lists for the resource, so
// a call the server cannot serve (`tokenReviews.list()`, `configMaps.updateStatus()`) does not
// compile. client-go composes its generic typed client the same way (gentype's Client,
// ClientWithList, ClientWithApply); kube-rs uses marker traits.
import type {
  ApplyOptions,
  CreateOptions,
  DeleteOptions,
  GetOptions,
  KubeList,
  KubeObject,
  ListOptions,
  PatchOptions,
  PatchType,
  Status,
  UpdateOptions,
} from '../apimachinery/meta.js';
import type { Watch } from '../apimachinery/watch/types.js';
import type { RESTClient } from '../rest/rest-client.js';
import type { ApplyConfiguration } from './apply-configuration.js';
import type { ResourceDescriptor, WithSignal } from './resource-client.js';

/**
 * What every resource client has whatever it serves: the REST client, the resource and the
 * namespace. Informers, listers and the controller cache key on these.
 *
 * @example
 * const { resource } = cs.authenticationV1.tokenReviews.descriptor; // 'tokenreviews'
 */
export interface ResourceHandle {
  /** The REST client of the resource's group version. */
  readonly restClient: RESTClient;
  /** The resource (group, version, plural, kind, scope). */
  readonly descriptor: ResourceDescriptor;
  /** The namespace ('' for all namespaces or cluster-scoped resources). */
  readonly ns: string;
}

/**
 * The `get` verb.
 *
 * @example
 * const cm = await cs.coreV1.configMaps('default').get('settings');
 */
export interface Getter<T> {
  /** GET one object. */
  get(name: string, options?: WithSignal<GetOptions>): Promise<T>;
}

/**
 * The `list` verb.
 *
 * @example
 * const { items } = await cs.coreV1.pods('default').list({ labelSelector: 'app=web' });
 */
export interface ResourceLister<T, TList extends KubeList<T> = KubeList<T>> {
  /** LIST objects (use `limit`/`continue` to page). */
  list(options?: WithSignal<ListOptions>): Promise<TList>;
}

/**
 * The `watch` verb.
 *
 * @example
 * const w = await cs.coreV1.pods('default').watch({ resourceVersion: '0' });
 */
export interface ResourceWatcher<T> {
  /** WATCH objects; resolves once the server accepted the watch. */
  watch(options?: WithSignal<ListOptions>): Promise<Watch<T>>;
}

/**
 * The `create` verb.
 *
 * @example
 * const review = await cs.authenticationV1.tokenReviews.create({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
 */
export interface Creator<T> {
  /** POST a new object. */
  create(obj: T, options?: WithSignal<CreateOptions>): Promise<T>;
}

/**
 * The `update` verb.
 *
 * @example
 * await cs.coreV1.configMaps('default').update({ ...cm, data: { a: '2' } });
 */
export interface Updater<T> {
  /** PUT an object (optimistic concurrency by metadata.resourceVersion). */
  update(obj: T, options?: WithSignal<UpdateOptions>): Promise<T>;
}

/**
 * The `delete` verb.
 *
 * @example
 * await cs.coreV1.configMaps('default').delete('settings');
 */
export interface Deleter<T> {
  /** DELETE one object; resolves with what the server returned (the object or a Status). */
  delete(name: string, options?: WithSignal<DeleteOptions>): Promise<T | Status>;
}

/**
 * The `deletecollection` verb.
 *
 * @example
 * await cs.coreV1.configMaps('default').deleteCollection({}, { labelSelector: 'app=web' });
 */
export interface CollectionDeleter<T, TList extends KubeList<T> = KubeList<T>> {
  /** DELETE all objects matching the list options. */
  deleteCollection(options?: WithSignal<DeleteOptions>, listOptions?: ListOptions): Promise<Status | TList>;
}

/**
 * The `patch` verb with any patch type (JSON, merge, strategic merge, apply); `subresources` patch
 * a subresource the resource serves (`'status'`).
 *
 * @example
 * await cs.coreV1.configMaps('default').patch('settings', PatchType.Merge, { data: { a: '3' } });
 */
export interface Patcher<T> {
  /** PATCH an object (or a subresource) with one of the PatchType content types. */
  patch(
    name: string,
    patchType: PatchType,
    data: unknown,
    options?: WithSignal<PatchOptions>,
    ...subresources: string[]
  ): Promise<T>;
}

/**
 * Server-side apply (an apply patch, so only for resources that serve `patch`).
 *
 * @example
 * await cs.coreV1.configMaps('default').apply(configMapApplyConfiguration('settings', 'default'), { fieldManager: 'me' });
 */
export interface Applier<T> {
  /** Server-side apply of the fields this field manager owns. */
  apply(applyConfig: ApplyConfiguration<T>, options: WithSignal<ApplyOptions>): Promise<T>;
}

/**
 * PUT of the status subresource.
 *
 * @example
 * await cs.appsV1.deployments('default').updateStatus(deployment);
 */
export interface StatusUpdater<T> {
  /** PUT the status subresource. */
  updateStatus(obj: T, options?: WithSignal<UpdateOptions>): Promise<T>;
}

/**
 * Server-side apply of the status subresource (served where status serves `patch`).
 *
 * @example
 * await cs.appsV1.deployments('default').applyStatus(cfg, { fieldManager: 'me', force: true });
 */
export interface StatusApplier<T> {
  /** Server-side apply of the status subresource. */
  applyStatus(applyConfig: ApplyConfiguration<T>, options: WithSignal<ApplyOptions>): Promise<T>;
}

/**
 * The scale subresource (`S` is autoscaling/v1 Scale for the built-in kinds).
 *
 * @example
 * const scale = await cs.appsV1.deployments('default').getScale('web');
 * await cs.appsV1.deployments('default').updateScale('web', { ...scale, spec: { replicas: 3 } });
 */
export interface Scaler<S> {
  /** GET the scale subresource. */
  getScale(name: string, options?: WithSignal<GetOptions>): Promise<S>;
  /** PUT the scale subresource. */
  updateScale(name: string, scale: S, options?: WithSignal<UpdateOptions>): Promise<S>;
}

/**
 * What an informer (or the controller cache) needs of a client: the resource, list and watch.
 *
 * @example
 * function informerOf<T extends KubeObject>(client: ListWatchClient<T>) { return factory.informerFor(client); }
 */
export type ListWatchClient<T extends KubeObject> = ResourceHandle &
  ResourceLister<T, KubeList<T>> &
  ResourceWatcher<T>;

/**
 * A client of a resource that serves the standard verbs (get, list, watch, create, update, patch
 * and apply, delete, deletecollection): what a ResourceClient is for a built-in kind such as
 * ConfigMap, without the subresources.
 *
 * @example
 * function cleanup(cms: StandardClient<ConfigMap, ConfigMapList>) { return cms.deleteCollection(); }
 */
export type StandardClient<T extends KubeObject, TList extends KubeList<T> = KubeList<T>> = ResourceHandle &
  Getter<T> &
  ResourceLister<T, TList> &
  ResourceWatcher<T> &
  Creator<T> &
  Updater<T> &
  Patcher<T> &
  Applier<T> &
  Deleter<T> &
  CollectionDeleter<T, TList>;
