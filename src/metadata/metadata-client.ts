// The metadata client: any resource, but only its metadata (PartialObjectMetadata), asked for with
// the Accept header client-go's metadata client sends. Cheap lists and watches of big objects.
import type { GetOptions, KubeList, ListOptions, ObjectMeta, PatchOptions, PatchType } from '../apimachinery/meta.js';
import type { GroupVersionResource } from '../apimachinery/schema.js';
import type { Config } from '../rest/config.js';
import { RESTClientPool } from '../rest/client-pool.js';
import type { RESTClient } from '../rest/rest-client.js';
import type { Request } from '../rest/request.js';
import { ResourceClient, type WithSignal } from '../client/index.js';

/** An object's metadata only (meta.k8s.io/v1 PartialObjectMetadata). */
export interface PartialObjectMetadata {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}
/** A list of PartialObjectMetadata. */
export type PartialObjectMetadataList = KubeList<PartialObjectMetadata>;

/** The Accept header of metadata gets and watches (plain JSON as a fallback), as client-go sends it. */
export const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
/** The Accept header of metadata lists. */
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/** An item's type (when it has one) and metadata, nothing else. */
function typeAndMetadata(obj: PartialObjectMetadata): PartialObjectMetadata {
  const out: PartialObjectMetadata = {};
  if (obj.apiVersion) out.apiVersion = obj.apiVersion;
  if (obj.kind) out.kind = obj.kind;
  if (obj.metadata) out.metadata = obj.metadata;
  return out;
}

/**
 * client-go's fallback when the server answered plain JSON instead of PartialObjectMetadata: the
 * object's metadata only, without apiVersion and kind; an answer without name, generateName, uid or
 * creationTimestamp is refused.
 */
function asPartialObjectMetadata(obj: PartialObjectMetadata): PartialObjectMetadata {
  if (obj?.kind === 'PartialObjectMetadata') return obj;
  const m = obj?.metadata;
  if (!m?.name && !m?.generateName && !m?.uid && !m?.creationTimestamp)
    throw new Error('object does not appear to match the ObjectMeta schema');
  return { metadata: m };
}

/** The list fallback: list metadata and each item's type and metadata, without the list's own type. */
function asPartialObjectMetadataList(list: PartialObjectMetadataList): PartialObjectMetadataList {
  if (list?.kind === 'PartialObjectMetadataList') return list;
  const out: PartialObjectMetadataList = { items: (list?.items ?? []).map(typeAndMetadata) };
  if (list?.metadata) out.metadata = list.metadata;
  return out;
}

/**
 * A metadata-only client of one resource in one namespace (or cluster-wide). As client-go's, get,
 * list and patch cut a plain JSON answer (a server that cannot send PartialObjectMetadata) down to
 * metadata.
 */
export class MetadataResourceClient extends ResourceClient<PartialObjectMetadata, PartialObjectMetadataList> {
  protected override forList(r: Request): Request {
    return r.setHeader('accept', METADATA_LIST_ACCEPT);
  }

  /** GET one object's metadata. */
  override async get(name: string, options?: WithSignal<GetOptions>): Promise<PartialObjectMetadata> {
    return asPartialObjectMetadata(await super.get(name, options));
  }

  /** LIST objects' metadata. */
  override async list(options?: WithSignal<ListOptions>): Promise<PartialObjectMetadataList> {
    return asPartialObjectMetadataList(await super.list(options));
  }

  /** PATCH an object (or a subresource); resolves with its metadata. */
  override async patch(
    name: string,
    patchType: PatchType,
    data: unknown,
    options?: WithSignal<PatchOptions>,
    ...subresources: string[]
  ): Promise<PartialObjectMetadata> {
    return asPartialObjectMetadata(await super.patch(name, patchType, data, options, ...subresources));
  }
}

/** A resource of the metadata client: cluster-wide as is, or in a namespace. */
export class MetadataResource extends MetadataResourceClient {
  constructor(rc: RESTClient, gvr: GroupVersionResource) {
    super(rc, { ...gvr, kind: '', namespaced: false });
  }

  /** The resource in namespace `ns`. */
  namespace(ns: string): MetadataResourceClient {
    return new MetadataResourceClient(this.restClient, { ...this.descriptor, namespaced: true }, ns);
  }
}

/**
 * client-go's metadata.Interface.
 *
 * @example
 * const md = MetadataClient.forConfig(config);
 * const names = (await md.resource({ group: '', version: 'v1', resource: 'secrets' }).namespace('default').list()).items.map((s) => s.metadata?.name);
 */
export class MetadataClient {
  private readonly pool: RESTClientPool;

  constructor(config: Config) {
    this.pool = new RESTClientPool(config, (c) => ({ ...c, acceptContentTypes: METADATA_ACCEPT }));
  }

  /** A client sharing one rate limiter and connection pool across group versions. */
  static forConfig(config: Config): MetadataClient {
    return new MetadataClient(config);
  }

  /**
   * Releases the connection pool reference of this client (the pool closes when no other client
   * uses it; requests in flight finish first). Requests afterwards fail with a TransportError of
   * code `CLIENT_CLOSED`.
   *
   * @example
   * const md = MetadataClient.forConfig(config);
   * try { await md.resource(gvr).list(); } finally { await md.close(); }
   */
  close(): Promise<void> {
    return this.pool.close();
  }

  /** The client for one resource: use `.namespace(ns)` for namespaced resources. */
  resource(gvr: GroupVersionResource): MetadataResource {
    return new MetadataResource(this.pool.forGroupVersion(gvr), gvr);
  }
}
