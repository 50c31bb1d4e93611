// The discovery client: what the server serves (/version, /api, /apis, and each group version's
// resources), plus a cached variant with invalidation, as client-go's discovery package.
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

/** Some group versions could not be discovered; the others are in `partial`. */
export class GroupDiscoveryFailedError extends Error {
  override readonly name = 'GroupDiscoveryFailedError';
  constructor(
    readonly failures: Map<string, Error>,
    readonly partial: APIResourceList[],
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

  /** The legacy core group ('' with v1) followed by every named group. */
  async serverGroups(): Promise<APIGroup[]> {
    const core = await this.get<{ versions: string[] }>('/api');
    const named = await this.get<{ groups: APIGroup[] }>('/apis');
    const coreGroup: APIGroup = {
      name: '',
      versions: core.versions.map((v) => ({ groupVersion: v, version: v })),
      preferredVersion: { groupVersion: core.versions[0]!, version: core.versions[0]! },
    };
    return [coreGroup, ...named.groups];
  }

  async serverResourcesForGroupVersion(gv: GroupVersion | string): Promise<APIResourceList> {
    const s = typeof gv === 'string' ? gv : groupVersionString(gv);
    return this.get<APIResourceList>(s.includes('/') ? '/apis' : '/api', s);
  }

  /** Every group and every group version's resources; failed versions raise GroupDiscoveryFailedError with the rest. */
  async serverGroupsAndResources(): Promise<{ groups: APIGroup[]; resources: APIResourceList[] }> {
    const groups = await this.serverGroups();
    const failures = new Map<string, Error>();
    const resources: APIResourceList[] = [];
    await Promise.all(
      groups.flatMap((g) =>
        g.versions.map(async (v) => {
          try {
            resources.push(await this.serverResourcesForGroupVersion(v.groupVersion));
          } catch (err) {
            failures.set(v.groupVersion, err as Error);
          }
        }),
      ),
    );
    resources.sort((a, b) => a.groupVersion.localeCompare(b.groupVersion));
    if (failures.size > 0) throw new GroupDiscoveryFailedError(failures, resources);
    return { groups, resources };
  }

  /** Resources of each group's preferred version only (subresources left out). */
  async serverPreferredResources(): Promise<APIResourceList[]> {
    const { groups, resources } = await this.serverGroupsAndResources();
    return preferredResources(groups, resources);
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

  serverGroupsAndResources(): Promise<{ groups: APIGroup[]; resources: APIResourceList[] }> {
    this.groupsAndResources ??= this.delegate.serverGroupsAndResources().catch((err: unknown) => {
      this.groupsAndResources = undefined;
      throw err;
    });
    return this.groupsAndResources;
  }

  async serverPreferredResources(): Promise<APIResourceList[]> {
    const { groups, resources } = await this.serverGroupsAndResources();
    return preferredResources(groups, resources);
  }

  /** Forgets everything: the next call asks the server again. */
  invalidate(): void {
    this.groupsAndResources = undefined;
  }

  /** True while cached results exist. */
  fresh(): boolean {
    return this.groupsAndResources !== undefined;
  }
}
