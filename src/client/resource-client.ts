// The one generic resource client every typed and dynamic client is a thin wrapper over: CRUD,
// list/watch, patch and server-side apply, status and other subresources, for one resource in one
// namespace (or cluster-wide).
import type {
  ApplyOptions,
  CreateOptions,
  DeleteOptions,
  GetOptions,
  KubeList,
  KubeObject,
  ListMeta,
  ListOptions,
  PatchOptions,
  Status,
  UpdateOptions,
} from '../apimachinery/meta.js';
import { PatchType } from '../apimachinery/meta.js';
import type { Watch } from '../apimachinery/watch/types.js';
import { RequestConstructionError } from '../rest/errors.js';
import type { Request } from '../rest/request.js';
import type { RESTClient } from '../rest/rest-client.js';
import type { ApplyConfiguration } from './apply-configuration.js';

/** Per-call options: the API options plus an AbortSignal. */
export type WithSignal<O> = O & { signal?: AbortSignal };

/** What identifies a resource. */
export interface ResourceDescriptor {
  group: string;
  version: string;
  /** Plural, lower case: `deployments`. */
  resource: string;
  kind: string;
  namespaced: boolean;
}

/**
 * Client for one resource, in one namespace ('' = all namespaces) or cluster-scoped.
 *
 * @example
 * const deployments = new ResourceClient<Deployment>(appsRestClient, { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true }, 'default');
 * const d = await deployments.get('web');
 */
export class ResourceClient<T extends KubeObject = KubeObject, TList extends KubeList<T> = KubeList<T>> {
  constructor(
    /** A REST client for the resource's group version. */
    readonly restClient: RESTClient,
    /** The resource. */
    readonly descriptor: ResourceDescriptor,
    /** The namespace ('' for all namespaces or cluster-scoped resources). */
    readonly ns = '',
  ) {}

  private req(r: Request, name?: string, subresources: string[] = [], signal?: AbortSignal): Request {
    const out = r.namespace(this.descriptor.namespaced ? this.ns : '').resource(this.descriptor.resource);
    // As client-go's Request.Name: an empty name is an error, not a call on the whole collection;
    // names and namespaces that would change the path are refused too (RequestConstructionError).
    if (name !== undefined) out.name(name);
    if (subresources.length > 0) out.subResource(...subresources);
    return out.signal(signal);
  }

  /** Fills apiVersion and kind from the descriptor when missing or empty, as client-go's typed clients encode them. */
  private withTypeMeta<O extends KubeObject>(obj: O): O {
    const d = this.descriptor;
    if (!d.kind || (obj.apiVersion && obj.kind)) return obj;
    return {
      ...obj,
      apiVersion: obj.apiVersion || (d.group ? `${d.group}/${d.version}` : d.version),
      kind: obj.kind || d.kind,
    };
  }

  private nameOf(obj: T): string {
    const name = obj.metadata?.name;
    if (!name) throw new RequestConstructionError(`${this.descriptor.kind || 'the object'} has no metadata.name`);
    return name;
  }

  private static split<O extends object>(opts: WithSignal<O> | undefined): [O, AbortSignal | undefined] {
    if (!opts) return [{} as O, undefined];
    const { signal, ...rest } = opts as O & { signal?: AbortSignal };
    return [rest as O, signal];
  }

  /** GET one object. */
  async get(name: string, options?: WithSignal<GetOptions>): Promise<T> {
    const [o, signal] = ResourceClient.split(options);
    return (await this.req(this.restClient.get(), name, [], signal).versionedParams(o).do()).into<T>();
  }

  /**
   * LIST objects (use `limit`/`continue` to page); `timeoutSeconds` also bounds the call, as in
   * client-go. The items are parsed while the response streams (`Request.doList`).
   */
  async list(options?: WithSignal<ListOptions> & { onListMeta?: (m: ListMeta) => void }): Promise<TList> {
    const [{ onListMeta, ...o }, signal] = ResourceClient.split(options);
    return await this.forList(this.req(this.restClient.get(), undefined, [], signal))
      .versionedParams(o)
      .timeout((o.timeoutSeconds ?? 0) * 1000)
      .doList<TList>(onListMeta ? { onMeta: onListMeta } : undefined);
  }

  /** Adjusts list requests (the metadata client asks for PartialObjectMetadataList here). */
  protected forList(r: Request): Request {
    return r;
  }

  /** WATCH objects; resolves once the server accepted the watch. */
  async watch(options?: WithSignal<ListOptions>): Promise<Watch<T>> {
    const [o, signal] = ResourceClient.split(options);
    return this.req(this.restClient.get(), undefined, [], signal)
      .versionedParams({ ...o, watch: true })
      .watch<T>();
  }

  /** POST a new object. */
  async create(obj: T, options?: WithSignal<CreateOptions>): Promise<T> {
    const [o, signal] = ResourceClient.split(options);
    return (
      await this.req(this.restClient.post(), undefined, [], signal).versionedParams(o).body(this.withTypeMeta(obj)).do()
    ).into<T>();
  }

  /** PUT an object (optimistic concurrency by metadata.resourceVersion). */
  async update(obj: T, options?: WithSignal<UpdateOptions>): Promise<T> {
    const [o, signal] = ResourceClient.split(options);
    return (
      await this.req(this.restClient.put(), this.nameOf(obj), [], signal)
        .versionedParams(o)
        .body(this.withTypeMeta(obj))
        .do()
    ).into<T>();
  }

  /** PUT the status subresource. */
  async updateStatus(obj: T, options?: WithSignal<UpdateOptions>): Promise<T> {
    const [o, signal] = ResourceClient.split(options);
    return (
      await this.req(this.restClient.put(), this.nameOf(obj), ['status'], signal)
        .versionedParams(o)
        .body(this.withTypeMeta(obj))
        .do()
    ).into<T>();
  }

  /** PATCH an object (or a subresource) with one of the PatchType content types. */
  async patch(
    name: string,
    patchType: PatchType,
    data: unknown,
    options?: WithSignal<PatchOptions>,
    ...subresources: string[]
  ): Promise<T> {
    const [o, signal] = ResourceClient.split(options);
    const body = typeof data === 'string' || data instanceof Uint8Array ? data : JSON.stringify(data);
    return (
      await this.req(this.restClient.patch(patchType), name, subresources, signal).versionedParams(o).body(body).do()
    ).into<T>();
  }

  /**
   * Server-side apply: the object (an apply configuration) is sent as the fields this manager owns.
   *
   * @example
   * await cms.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: '1' } }, { fieldManager: 'me', force: true });
   */
  async apply(applyConfig: ApplyConfiguration<T>, options: WithSignal<ApplyOptions>): Promise<T> {
    return this.applySubresource(applyConfig, options);
  }

  /** Server-side apply of the status subresource. */
  async applyStatus(applyConfig: ApplyConfiguration<T>, options: WithSignal<ApplyOptions>): Promise<T> {
    return this.applySubresource(applyConfig, options, 'status');
  }

  private async applySubresource(
    applyConfig: ApplyConfiguration<T>,
    options: WithSignal<ApplyOptions>,
    ...subresources: string[]
  ): Promise<T> {
    if (!options?.fieldManager) throw new RequestConstructionError('fieldManager is required for apply patch');
    const name = applyConfig.metadata?.name;
    if (!name) throw new RequestConstructionError('apply configuration needs metadata.name');
    const [o, signal] = ResourceClient.split(options);
    return (
      await this.req(this.restClient.patch(PatchType.Apply), name, subresources, signal)
        .versionedParams(o)
        .body(JSON.stringify(this.withTypeMeta(applyConfig as KubeObject)))
        .do()
    ).into<T>();
  }

  /** DELETE one object; resolves with what the server returned (the object or a Status). */
  async delete(name: string, options?: WithSignal<DeleteOptions>): Promise<T | Status> {
    const [o, signal] = ResourceClient.split(options);
    const r = this.req(this.restClient.delete(), name, [], signal);
    if (Object.keys(o).length > 0) r.body({ apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions', ...o });
    return (await r.do()).into<T | Status>();
  }

  /** DELETE all objects matching the list options (`timeoutSeconds` also bounds the call, as in client-go). */
  async deleteCollection(options?: WithSignal<DeleteOptions>, listOptions?: ListOptions): Promise<Status | TList> {
    const [o, signal] = ResourceClient.split(options);
    const r = this.req(this.restClient.delete(), undefined, [], signal)
      .versionedParams(listOptions)
      .timeout((listOptions?.timeoutSeconds ?? 0) * 1000);
    if (Object.keys(o).length > 0) r.body({ apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions', ...o });
    return (await r.do()).into<Status | TList>();
  }

  /** GET a subresource (scale, log, ...). */
  async getSubresource<R = unknown>(
    name: string,
    subresource: string,
    options?: WithSignal<Record<string, unknown>>,
  ): Promise<R> {
    const [o, signal] = ResourceClient.split(options);
    return (await this.req(this.restClient.get(), name, [subresource], signal).versionedParams(o).do()).into<R>();
  }

  /** GET a subresource as bytes (pod logs). */
  async getSubresourceRaw(
    name: string,
    subresource: string,
    options?: WithSignal<Record<string, unknown>>,
  ): Promise<Buffer> {
    const [o, signal] = ResourceClient.split(options);
    return this.req(this.restClient.get(), name, [subresource], signal).versionedParams(o).doRaw();
  }

  /** POST to a subresource (eviction, binding, token, ...). */
  async createSubresource<B, R = unknown>(
    name: string,
    subresource: string,
    body: B,
    options?: WithSignal<CreateOptions>,
  ): Promise<R> {
    const [o, signal] = ResourceClient.split(options);
    return (
      await this.req(this.restClient.post(), name, [subresource], signal)
        .versionedParams(o)
        .body(body as object)
        .do()
    ).into<R>();
  }

  /** PUT a subresource (scale, ...). */
  async updateSubresource<B, R = unknown>(
    name: string,
    subresource: string,
    body: B,
    options?: WithSignal<UpdateOptions>,
  ): Promise<R> {
    const [o, signal] = ResourceClient.split(options);
    return (
      await this.req(this.restClient.put(), name, [subresource], signal)
        .versionedParams(o)
        .body(body as object)
        .do()
    ).into<R>();
  }
}
