// Names for everything the CRD output declares: one accessor, client file, types module and
// namespace alias per group version, a type name per kind and list, a types file per resource.
// Two things that would get the same name are an error naming both, never an overwrite.
import { crdDefinitionPrefix } from './crd.js';
import type { CrdVersion } from './crd-model.js';
import { applyConfigurationName, groupVersionAccessor, resourceAccessor } from './emit-clients.js';
import { moduleAlias, moduleOf } from './emit-types.js';
import { CodegenError } from './errors.js';
import type { GroupVersionModel } from './model.js';
import { detach, NameRegistry } from './names.js';

/** One resource with the names of its types and its types file. */
export interface PlannedResource {
  crd: Omit<CrdVersion, 'schema'>;
  typeName: string;
  listTypeName: string;
  /** Types file, relative to the output folder: `types/example_com/v1/widgets.ts`. */
  file: string;
}

/** One group version with its names and resources. */
export interface PlannedGroupVersion {
  group: string;
  version: string;
  /** `exampleComV1`: the Clientset getter and the client file's name. */
  accessor: string;
  /** `example_com/v1`: the types module (`types/example_com/v1.ts`). */
  mod: string;
  /** `example_com_v1`: the namespace the index exports the types under. */
  alias: string;
  /** Every type name declared in the types module (kinds, lists, nested types). */
  names: NameRegistry;
  resources: PlannedResource[];
}

/** Names the meta types are imported under in every types file (never handed to a kind). */
export const META_NAMES = { objectMeta: 'ObjectMeta', listMeta: 'ListMeta' } as const;

function claimOnce(seen: Map<string, string>, name: string, owner: string, what: string): void {
  const key = name.toLowerCase();
  const other = seen.get(key);
  if (other !== undefined && other !== owner) {
    throw new CodegenError(
      `${other} and ${owner} would both get the ${what} "${name}"; generate them into separate output folders`,
    );
  }
  seen.set(detach(key), detach(owner));
}

/** Members of every generated group-version client class, which no resource accessor may take. */
const CLIENT_MEMBERS = ['restClient', 'constructor'];

/**
 * Names the output of CRDs as they stream in: {@link add} gives each new resource its type names
 * and types file (names are handed out in input order, so the same input always gives the same
 * names), {@link groupVersions} the group versions sorted by group and version. Throws a
 * CodegenError as soon as two group versions or two resources would get the same accessor, file
 * or namespace name.
 *
 * @example
 * const planner = new CrdPlanner();
 * const r = planner.add(version); // r.typeName, r.file
 * planner.groupVersions()[0]!.accessor; // 'exampleComV1'
 */
export class CrdPlanner {
  private readonly gvs = new Map<string, PlannedGroupVersion & { members: Map<string, string> }>();
  private readonly accessors = new Map<string, string>();
  private readonly modules = new Map<string, string>();
  private readonly aliases = new Map<string, string>();

  private groupVersion(group: string, version: string): PlannedGroupVersion & { members: Map<string, string> } {
    const key = `${group}/${version}`;
    let gv = this.gvs.get(key);
    if (gv) return gv;
    const accessor = groupVersionAccessor({ group, version });
    const [mod] = moduleOf(`${crdDefinitionPrefix(group)}.${version}.X`);
    const alias = moduleAlias(mod);
    claimOnce(this.accessors, accessor, key, 'accessor');
    claimOnce(this.modules, mod, key, 'types module');
    claimOnce(this.aliases, alias, key, 'namespace');
    const members = new Map<string, string>(CLIENT_MEMBERS.map((m) => [m.toLowerCase(), 'the client class']));
    gv = {
      group: detach(group),
      version: detach(version),
      accessor: detach(accessor),
      mod: detach(mod),
      alias: detach(alias),
      names: new NameRegistry(Object.values(META_NAMES)),
      resources: [],
      members,
    };
    this.gvs.set(key, gv);
    return gv;
  }

  /** Plans one resource (a served CRD version seen for the first time). */
  add(crd: Omit<CrdVersion, 'schema'>): { gv: PlannedGroupVersion; resource: PlannedResource } {
    const gv = this.groupVersion(crd.group, crd.version);
    const owner = `${crd.kind} (${crd.plural}.${crd.group}/${crd.version})`;
    claimOnce(gv.members, resourceAccessor(crd.plural, crd.kind), owner, 'resource accessor');
    claimOnce(gv.members, applyConfigurationName(crd.kind), owner, 'apply configuration helper');
    const typeName = gv.names.claim(crd.kind);
    const listTypeName = gv.names.claim(crd.listKind);
    const resource = { crd, typeName, listTypeName, file: detach(`types/${gv.mod}/${crd.plural}.ts`) };
    gv.resources.push(resource);
    return { gv, resource };
  }

  /** The group versions planned so far, sorted by group and version, their resources by kind. */
  groupVersions(): PlannedGroupVersion[] {
    return [...this.gvs.keys()].sort().map((key) => {
      const { members: _members, ...gv } = this.gvs.get(key)!;
      return {
        ...gv,
        resources: [...gv.resources].sort((a, b) => (a.crd.kind < b.crd.kind ? -1 : a.crd.kind > b.crd.kind ? 1 : 0)),
      };
    });
  }
}

/** The model the client emitters take, for a plan. */
export function clientModel(plan: PlannedGroupVersion[]): GroupVersionModel[] {
  return plan.map((gv) => ({
    group: gv.group,
    version: gv.version,
    resources: gv.resources.map((r) => {
      const prefix = `${crdDefinitionPrefix(gv.group)}.${gv.version}`;
      return {
        resource: r.crd.plural,
        kind: r.crd.kind,
        namespaced: r.crd.namespaced,
        typeRef: `${prefix}.${r.typeName}`,
        listTypeRef: `${prefix}.${r.listTypeName}`,
        subresources: [
          ...(r.crd.status ? [{ name: 'status', actions: ['get', 'put', 'patch'] }] : []),
          ...(r.crd.scale
            ? [{ name: 'scale', actions: ['get', 'put', 'patch'], typeRef: 'io.k8s.api.autoscaling.v1.Scale' }]
            : []),
        ],
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      };
    }),
  }));
}
