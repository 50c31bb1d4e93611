// The discovery client: what the server serves (/version, /api, /apis, and each group version's
// resources), plus a cached variant with invalidation, as client-go's discovery package.
import { isForbidden, isNotFound } from '../apimachinery/errors.js';
import type { GroupVersion } from '../apimachinery/schema.js';
import { groupVersionString } from '../apimachinery/schema.js';
import type { Config } from '../rest/config.js';
import { type RESTClient, unversionedRESTClientFor } from '../rest/rest-client.js';

/** /version */
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit?: string;
  platform?: string;
  goVersion?: string;
}

/** One API group with its versions. */
export interface APIGroup {
  name: string;
  versions: Array<{ groupVersion: string; version: string }>;
  preferredVersion?: { groupVersion: string; version: string };
}

/** One resource of a group version. */
export interface APIResource {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  group?: string;
  version?: string;
}

/** The resources of one group version. */
export interface APIResourceList {
  groupVersion: string;
  resources: APIResource[];
}

/**
 * Some group versions could not be discovered (client-go's ErrGroupDiscoveryFailed): the results of
 * the others are in `partial` (as the failed call would have returned them), the groups in `groups`.
 */
export class GroupDiscoveryFailedError extends Error {
  override readonly name = 'GroupDiscoveryFailedError';
  constructor(
    readonly failures: Map<string, Error>,
    readonly partial: APIResourceList[],
    readonly groups: APIGroup[] = [],
  ) {
    super(
      `unable to retrieve the complete list of server APIs: ${[...failures].map(([gv, e]) => `${gv}: ${e.message}`).join(', ')}`,
    );
  }
}

/**
 * client-go's ServerPreferredResources rule: per group, the preferred version's resources, plus any
 * resource only a non-preferred version serves (e.g. batch/v1beta1 cronjobs in 1.20);
 * subresources left out.
 */
export function preferredResources(groups: APIGroup[], resources: APIResourceList[]): APIResourceList[] {
  const byGv = new Map(resources.map((r) => [r.groupVersion, r]));
  const out: APIResourceList[] = [];
  for (const g of groups) {
    const preferred = g.preferredVersion?.groupVersion ?? g.versions[0]?.groupVersion;
    const ordered = [preferred, ...g.versions.map((v) => v.groupVersion).filter((v) => v !== preferred)];
    const seen = new Set<string>();
    for (const gv of ordered) {
      const list = gv ? byGv.get(gv) : undefined;
      if (!list) continue;
      const fresh = list.resources.filter((r) => !r.name.includes('/') && !seen.has(r.name));
      for (const r of fresh) seen.add(r.name);
      if (fresh.length > 0) out.push({ ...list, resources: fresh });
    }
  }
  return out;
}

/** The preferred resources of a discovery round; a partial failure keeps the preferred partial results. */
async function preferredOf(
  round: Promise<{ groups: APIGroup[]; resources: APIResourceList[] }>,
): Promise<APIResourceList[]> {
  try {
    const { groups, resources } = await round;
    return preferredResources(groups, resources);
  } catch (err) {
    if (!(err instanceof GroupDiscoveryFailedError)) throw err;
    throw new GroupDiscoveryFailedError(err.failures, preferredResources(err.groups, err.partial), err.groups);
  }
}

/** A refused group list (404/403) counts as empty, as client-go does for old servers. */
async function emptyIfRefused<T>(p: Promise<T>, empty: T): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err) || isForbidden(err)) return empty;
    throw err;
  }
}

/**
 * client-go's DiscoveryClient.
 *
 * @example
 * const d = DiscoveryClient.forConfig(config);
 * (await d.serverVersion()).gitVersion; // 'v1.20.2'
 */
export class DiscoveryClient {
  constructor(private readonly rc: RESTClient) {}

  static forConfig(config: Config): DiscoveryClient {
    return new DiscoveryClient(unversionedRESTClientFor(config));
  }

  private async get<T>(...path: string[]): Promise<T> {
    return (
      await this.rc
        .get()
        .absPath(...path)
        .do()
    ).into<T>();
  }

  async serverVersion(): Promise<VersionInfo> {
    return this.get<VersionInfo>('/version');
  }

  /**
   * The legacy core group ('' with v1) followed by every named group. As client-go: a 404 or 403
   * from /api or /apis counts as an empty list, and the core group is left out when /api lists no version.
   */
  async serverGroups(): Promise<APIGroup[]> {
    const core = await emptyIfRefused(this.get<{ versions?: string[] }>('/api'), {});
    const named = await emptyIfRefused(this.get<{ groups?: APIGroup[] }>('/apis'), {});
    const versions = core.versions ?? [];
    const coreGroup: APIGroup[] =
      versions.length === 0
        ? []
        : [
            {
              name: '',
              versions: versions.map((v) => ({ groupVersion: v, version: v })),
              preferredVersion: { groupVersion: versions[0]!, version: versions[0]! },
            },
          ];
    return [...coreGroup, ...(named.groups ?? [])];
  }

  async serverResourcesForGroupVersion(gv: GroupVersion | string): Promise<APIResourceList> {
    const s = typeof gv === 'string' ? gv : groupVersionString(gv);
    return this.get<APIResourceList>(s.includes('/') ? '/apis' : '/api', s);
  }

  /**
   * Every group and every group version's resources, in discovery order (core first); failed
   * versions raise GroupDiscoveryFailedError with the rest.
   */
  async serverGroupsAndResources(): Promise<{ groups: APIGroup[]; resources: APIResourceList[] }> {
    const groups = await this.serverGroups();
    const failures = new Map<string, Error>();
    const lists = await Promise.all(
      groups.flatMap((g) =>
        g.versions.map(async (v) => {
          try {
            return await this.serverResourcesForGroupVersion(v.groupVersion);
          } catch (err) {
            failures.set(v.groupVersion, err as Error);
            return undefined;
          }
        }),
      ),
    );
    const resources = lists.filter((l) => l !== undefined);
    if (failures.size > 0) throw new GroupDiscoveryFailedError(failures, resources, groups);
    return { groups, resources };
  }

  /**
   * Resources of each group's preferred version only (subresources left out); on a partial
   * failure, the GroupDiscoveryFailedError's `partial` holds these preferred resources.
   */
  async serverPreferredResources(): Promise<APIResourceList[]> {
    return preferredOf(this.serverGroupsAndResources());
  }

  /** The server's OpenAPI v2 document. */
  async openAPISchema(): Promise<Record<string, unknown>> {
    return this.get<Record<string, unknown>>('/openapi/v2');
  }
}

/**
 * Discovery results kept in memory until `invalidate()` (client-go's memory cache).
 *
 * @example
 * const cached = new MemCacheDiscovery(DiscoveryClient.forConfig(config));
 * await cached.serverPreferredResources(); // one round of requests, then from memory
 */
export class MemCacheDiscovery {
  private groupsAndResources: Promise<{ groups: APIGroup[]; resources: APIResourceList[] }> | undefined;
  constructor(readonly delegate: DiscoveryClient) {}

  /** One round shared by concurrent callers; a failed round is not kept. */
  serverGroupsAndResources(): Promise<{ groups: APIGroup[]; resources: APIResourceList[] }> {
    if (this.groupsAndResources) return this.groupsAndResources;
    const round = this.delegate.serverGroupsAndResources().catch((err: unknown) => {
      // Only forget this round: after invalidate() a newer one may be cached already.
      if (this.groupsAndResources === round) this.groupsAndResources = undefined;
      throw err;
    });
    this.groupsAndResources = round;
    return round;
  }

  /** As DiscoveryClient.serverPreferredResources, from the cached round. */
  async serverPreferredResources(): Promise<APIResourceList[]> {
    return preferredOf(this.serverGroupsAndResources());
  }

  /** Forgets everything: the next call asks the server again. */
  invalidate(): void {
    this.groupsAndResources = undefined;
  }

  /** True while results are cached or a round is in flight; false after invalidate() or a failed round. */
  fresh(): boolean {
    return this.groupsAndResources !== undefined;
  }
}
