// RESTMapper: kinds <-> resources from discovery, with short names and a deferred re-discovery on
// a miss (client-go's DeferredDiscoveryRESTMapper over a memory-cached discovery client).
import type { GroupKind, GroupVersionKind, GroupVersionResource } from '../apimachinery/schema.js';
import { parseGroupVersion } from '../apimachinery/schema.js';
import type { APIResourceList, MemCacheDiscovery } from '../discovery/discovery-client.js';

/** How a kind maps to a resource. */
export interface RESTMapping {
  resource: GroupVersionResource;
  groupVersionKind: GroupVersionKind;
  scope: 'namespace' | 'root';
}

/** No resource serves this kind. */
export class NoKindMatchError extends Error {
  override readonly name = 'NoKindMatchError';
}
/** No resource matches this (partial) resource. */
export class NoResourceMatchError extends Error {
  override readonly name = 'NoResourceMatchError';
}

interface Entry {
  gvr: GroupVersionResource;
  kind: string;
  namespaced: boolean;
  singular: string;
  shortNames: string[];
}

function entries(lists: APIResourceList[]): Entry[] {
  return lists.flatMap((l) => {
    const gv = parseGroupVersion(l.groupVersion);
    return l.resources.map((r) => ({
      gvr: { ...gv, resource: r.name },
      kind: r.kind,
      namespaced: r.namespaced,
      singular: r.singularName || r.kind.toLowerCase(),
      shortNames: r.shortNames ?? [],
    }));
  });
}

/**
 * A RESTMapper over cached discovery that re-discovers once when a lookup misses.
 *
 * @example
 * const mapper = new DeferredDiscoveryRESTMapper(new MemCacheDiscovery(DiscoveryClient.forConfig(config)));
 * (await mapper.restMapping({ group: 'apps', kind: 'Deployment' })).resource; // apps/v1 deployments
 * await mapper.resourceFor({ group: '', version: '', resource: 'deploy' }); // short name
 */
export class DeferredDiscoveryRESTMapper {
  constructor(private readonly discovery: MemCacheDiscovery) {}

  private async lookup<T>(find: (es: Entry[]) => T | undefined, miss: () => Error): Promise<T> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const found = find(entries(await this.discovery.serverPreferredResources()));
      if (found !== undefined) return found;
      if (attempt === 0) this.discovery.invalidate();
    }
    throw miss();
  }

  /** The mapping of a kind (in one of `versions`, else its group's preferred version). */
  restMapping(gk: GroupKind, ...versions: string[]): Promise<RESTMapping> {
    return this.lookup(
      (es) => {
        const e = es.find(
          (x) =>
            x.kind === gk.kind &&
            x.gvr.group === gk.group &&
            (versions.length === 0 || versions.includes(x.gvr.version)),
        );
        return (
          e && {
            resource: e.gvr,
            groupVersionKind: { group: e.gvr.group, version: e.gvr.version, kind: e.kind },
            scope: e.namespaced ? 'namespace' : 'root',
          }
        );
      },
      () => new NoKindMatchError(`no matches for kind "${gk.kind}" in group "${gk.group}"`),
    );
  }

  /** The kind served at a resource (version and group may be empty). */
  kindFor(gvr: GroupVersionResource): Promise<GroupVersionKind> {
    return this.resourceEntry(gvr).then((e) => ({ group: e.gvr.group, version: e.gvr.version, kind: e.kind }));
  }

  /** The full resource for a partial one: plural, singular or short name; group/version optional. */
  resourceFor(partial: GroupVersionResource): Promise<GroupVersionResource> {
    return this.resourceEntry(partial).then((e) => e.gvr);
  }

  private resourceEntry(p: GroupVersionResource): Promise<Entry> {
    const name = p.resource.toLowerCase();
    return this.lookup(
      (es) =>
        es.find(
          (e) =>
            (e.gvr.resource === name || e.singular === name || e.shortNames.includes(name)) &&
            (!p.group || e.gvr.group === p.group) &&
            (!p.version || e.gvr.version === p.version),
        ),
      () => new NoResourceMatchError(`the server doesn't have a resource type "${p.resource}"`),
    );
  }
}
