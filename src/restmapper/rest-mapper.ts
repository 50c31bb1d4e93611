// RESTMapper: kinds <-> resources from discovery, with short names and a deferred re-discovery on
// a miss (client-go's DeferredDiscoveryRESTMapper over a memory-cached discovery client).
import type { GroupKind, GroupVersionKind, GroupVersionResource } from '../apimachinery/schema.js';
import { parseGroupVersion } from '../apimachinery/schema.js';
import {
  type APIGroup,
  type APIResourceList,
  GroupDiscoveryFailedError,
  type MemCacheDiscovery,
} from '../discovery/discovery-client.js';

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

/**
 * Every group version's resources in client-go's priority order: groups in discovery order, each
 * group's preferred version first, then its other versions; subresources left out.
 */
function entries({ groups, resources }: { groups: APIGroup[]; resources: APIResourceList[] }): Entry[] {
  const byGv = new Map(resources.map((l) => [l.groupVersion, l]));
  return groups.flatMap((g) => {
    const preferred = g.preferredVersion?.groupVersion ?? g.versions[0]?.groupVersion;
    const ordered = [preferred, ...g.versions.map((v) => v.groupVersion).filter((v) => v !== preferred)];
    return ordered.flatMap((s) => {
      const l = s === undefined ? undefined : byGv.get(s);
      if (!l) return [];
      const gv = parseGroupVersion(l.groupVersion);
      return l.resources
        .filter((r) => !r.name.includes('/'))
        .map((r) => ({
          gvr: { ...gv, resource: r.name },
          kind: r.kind,
          namespaced: r.namespaced,
          singular: r.singularName || r.kind.toLowerCase(),
          shortNames: r.shortNames ?? [],
        }));
    });
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
      const found = find(entries(await this.discovered()));
      if (found !== undefined) return found;
      if (attempt === 0) this.discovery.invalidate();
    }
    throw miss();
  }

  /**
   * What discovery found. When some group versions failed (an aggregated API that is down, say),
   * the others still map, as in client-go; only a failure of the whole round is thrown.
   */
  private async discovered(): Promise<{ groups: APIGroup[]; resources: APIResourceList[] }> {
    try {
      return await this.discovery.serverGroupsAndResources();
    } catch (err) {
      if (err instanceof GroupDiscoveryFailedError) return { groups: err.groups, resources: err.partial };
      throw err;
    }
  }

  /**
   * The mapping of a kind: in the first of `versions` that serves it (no fallback to others), or
   * without versions in its group's preferred version, else the first other version serving it.
   * Empty versions are ignored.
   */
  restMapping(gk: GroupKind, ...versions: string[]): Promise<RESTMapping> {
    const wanted = versions.filter((v) => v !== '');
    return this.lookup(
      (es) => {
        const served = es.filter((x) => x.kind === gk.kind && x.gvr.group === gk.group);
        const e =
          wanted.length === 0
            ? served[0]
            : wanted.map((v) => served.find((x) => x.gvr.version === v)).find((x) => x !== undefined);
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

  /**
   * The full resource for a partial one: plural, singular or short name; group/version optional (a
   * group without a version may be a prefix when no group matches exactly: "storage" for
   * storage.k8s.io). Several matches: the first in priority order (core v1, then discovery order).
   */
  resourceFor(partial: GroupVersionResource): Promise<GroupVersionResource> {
    return this.resourceEntry(partial).then((e) => e.gvr);
  }

  private resourceEntry(p: GroupVersionResource): Promise<Entry> {
    const name = p.resource.toLowerCase();
    return this.lookup(
      (es) => {
        const named = es.filter(
          (e) =>
            (e.gvr.resource === name || e.singular === name || e.shortNames.includes(name)) &&
            (!p.version || e.gvr.version === p.version),
        );
        const exact = named.find((e) => !p.group || e.gvr.group === p.group);
        if (exact || p.group === '' || p.version) return exact;
        return named.find((e) => e.gvr.group.startsWith(p.group));
      },
      () => new NoResourceMatchError(`the server doesn't have a resource type "${p.resource}"`),
    );
  }
}
