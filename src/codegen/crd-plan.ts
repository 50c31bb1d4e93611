// Names for everything the CRD output declares, fixed before any file is written: one accessor,
// client file, types module and namespace alias per group version, a type name per kind and list,
// a types file per resource. Two things that would get the same name are an error naming both,
// never an overwrite.
import { crdDefinitionPrefix } from './crd.js';
import type { CrdVersion } from './crd-model.js';
import { applyConfigurationName, groupVersionAccessor, resourceAccessor } from './emit-clients.js';
import { moduleAlias, moduleOf } from './emit-types.js';
import { CodegenError } from './errors.js';
import type { GroupVersionModel } from './model.js';
import { NameRegistry } from './names.js';

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
  seen.set(key, owner);
}

/**
 * Plans the output for the resources of the input (one entry per group/version/kind), sorted by
 * group, version and kind. Throws a CodegenError when two group versions or two resources would
 * get the same accessor, file or namespace name.
 *
 * @example
 * const plan = planGroupVersions(resources);
 * plan[0]!.accessor; // 'exampleComV1'
 */
export function planGroupVersions(resources: Iterable<Omit<CrdVersion, 'schema'>>): PlannedGroupVersion[] {
  const byGv = new Map<string, Array<Omit<CrdVersion, 'schema'>>>();
  for (const r of resources) {
    const key = `${r.group}/${r.version}`;
    const list = byGv.get(key) ?? [];
    list.push(r);
    byGv.set(key, list);
  }
  const accessors = new Map<string, string>();
  const modules = new Map<string, string>();
  const aliases = new Map<string, string>();
  const out: PlannedGroupVersion[] = [];
  for (const key of [...byGv.keys()].sort()) {
    const list = byGv.get(key)!.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
    const { group, version } = list[0]!;
    const accessor = groupVersionAccessor({ group, version });
    const [mod] = moduleOf(`${crdDefinitionPrefix(group)}.${version}.X`);
    const alias = moduleAlias(mod);
    claimOnce(accessors, accessor, key, 'accessor');
    claimOnce(modules, mod, key, 'types module');
    claimOnce(aliases, alias, key, 'namespace');
    const names = new NameRegistry(Object.values(META_NAMES));
    const members = new Map<string, string>();
    const planned = list.map((crd) => {
      const owner = `${crd.kind} (${crd.plural}.${group}/${version})`;
      claimOnce(members, resourceAccessor(crd.plural, crd.kind), owner, 'resource accessor');
      claimOnce(members, applyConfigurationName(crd.kind), owner, 'apply configuration helper');
      return { crd, typeName: names.claim(crd.kind), listTypeName: '', file: `types/${mod}/${crd.plural}.ts` };
    });
    for (const p of planned) p.listTypeName = names.claim(p.crd.listKind);
    out.push({ group, version, accessor, mod, alias, names, resources: planned });
  }
  return out;
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
