// The scheme: which kinds exist, in which group version, under which resource name, and whether
// they are namespaced. Generated code registers the built-in kinds; users register their own.
import type { GroupVersionKind, GroupVersionResource } from './schema.js';

/** One registered kind. */
export interface KindInfo {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name. */
  resource: string;
  namespaced: boolean;
  listKind?: string;
  subresources?: string[];
  verbs?: string[];
}

/**
 * A kind <-> resource registry.
 *
 * @example
 * scheme.kindFor({ group: 'apps', version: 'v1', resource: 'deployments' })?.kind; // 'Deployment'
 */
export class Scheme {
  private readonly byKind = new Map<string, KindInfo>();
  private readonly byResource = new Map<string, KindInfo>();

  /**
   * Registers kinds (a later registration of the same kind wins, also over the resource it was
   * registered under before; a later registration of the same resource wins for kindFor).
   */
  register(...infos: KindInfo[]): this {
    for (const i of infos) {
      const kindKey = `${i.group}/${i.version}/${i.kind}`;
      const previous = this.byKind.get(kindKey);
      if (previous) {
        const oldResourceKey = `${previous.group}/${previous.version}/${previous.resource}`;
        if (this.byResource.get(oldResourceKey) === previous) this.byResource.delete(oldResourceKey);
      }
      this.byKind.set(kindKey, i);
      this.byResource.set(`${i.group}/${i.version}/${i.resource}`, i);
    }
    return this;
  }

  /** The kind served at a resource. */
  kindFor(gvr: GroupVersionResource): KindInfo | undefined {
    return this.byResource.get(`${gvr.group}/${gvr.version}/${gvr.resource}`);
  }

  /** The resource of a kind. */
  resourceFor(gvk: GroupVersionKind): KindInfo | undefined {
    return this.byKind.get(`${gvk.group}/${gvk.version}/${gvk.kind}`);
  }

  /** Lookup by an object's apiVersion and kind. */
  byApiVersionKind(apiVersion: string, kind: string): KindInfo | undefined {
    const slash = apiVersion.indexOf('/');
    const [group, version] = slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
    return this.resourceFor({ group, version, kind });
  }

  /** All registered kinds. */
  kinds(): KindInfo[] {
    return [...this.byKind.values()];
  }
}
