// Turns a CustomResourceDefinition (YAML or object) into the generator's model: one definition per
// served version from its openAPIV3Schema, plus the list type, and one resource.
import { parseAllDocuments } from 'yaml';
import type { ApiModel, GroupVersionModel, Schema } from './model.js';
import { CodegenError } from './errors.js';

interface CRD {
  kind?: string;
  metadata?: { name?: string };
  spec: {
    group: string;
    scope: 'Namespaced' | 'Cluster';
    names: { kind: string; plural: string; listKind?: string };
    versions: Array<{
      name: string;
      served?: boolean;
      schema?: { openAPIV3Schema?: Schema };
      subresources?: { status?: unknown; scale?: unknown };
    }>;
  };
}

/** The definition-name prefix of a CRD group: `samplecontroller.k8s.io` -> `crd.samplecontroller_k8s_io`. */
export function crdDefinitionPrefix(group: string): string {
  return `crd.${group.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** The fields of a CRD the generator needs that `crd` lacks (empty when it has them all). */
function missingCrdFields(crd: CRD): string[] {
  const spec = crd.spec as Partial<CRD['spec']> | undefined;
  const missing: string[] = [];
  if (typeof spec?.group !== 'string' || !spec.group) missing.push('spec.group');
  if (typeof spec?.names?.kind !== 'string' || !spec.names.kind) missing.push('spec.names.kind');
  if (typeof spec?.names?.plural !== 'string' || !spec.names.plural) missing.push('spec.names.plural');
  if (!Array.isArray(spec?.versions) || spec.versions.some((v) => typeof v?.name !== 'string')) {
    missing.push('spec.versions (each with a name)');
  }
  return missing;
}

/**
 * Builds a model from CRD YAML text (several documents allowed; documents of other kinds are
 * skipped). Throws an Error naming the problem for text that is not valid YAML and for a
 * CustomResourceDefinition that lacks a field the generator needs.
 *
 * @example
 * const model = modelFromCrds(readFileSync('crd.yaml', 'utf8'));
 */
export function modelFromCrds(yamlText: string): ApiModel {
  const definitions: Record<string, Schema> = {};
  const gvs = new Map<string, GroupVersionModel>();
  for (const [i, doc] of parseAllDocuments(yamlText).entries()) {
    const [error] = doc.errors;
    if (error) throw new CodegenError(`not valid YAML: ${error.message.split('\n')[0]!.replace(/:$/, '')}`);
    const crd = doc.toJSON() as CRD | null;
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    const missing = missingCrdFields(crd);
    if (missing.length > 0) {
      const name = crd.metadata?.name ?? `in document ${i + 1}`;
      throw new CodegenError(`CustomResourceDefinition ${name} lacks ${missing.join(', ')}`);
    }
    const { group, names, scope } = crd.spec;
    for (const v of crd.spec.versions) {
      if (v.served === false) continue;
      const prefix = `${crdDefinitionPrefix(group)}.${v.name}`;
      const schema = v.schema?.openAPIV3Schema ?? { type: 'object' };
      const gvk = [{ group, version: v.name, kind: names.kind }];
      definitions[`${prefix}.${names.kind}`] = {
        ...schema,
        type: 'object',
        properties: {
          apiVersion: { type: 'string', description: 'APIVersion of this object.' },
          kind: { type: 'string', description: 'Kind of this object.' },
          metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
          ...schema.properties,
        },
        'x-kubernetes-group-version-kind': gvk,
      };
      const listKind = names.listKind ?? `${names.kind}List`;
      definitions[`${prefix}.${listKind}`] = {
        description: `${listKind} is a list of ${names.kind}.`,
        type: 'object',
        required: ['items'],
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta' },
          items: { type: 'array', items: { $ref: `#/definitions/${prefix}.${names.kind}` } },
        },
        'x-kubernetes-group-version-kind': [{ group, version: v.name, kind: listKind }],
      };
      const key = `${group}/${v.name}`;
      let gv = gvs.get(key);
      if (!gv) {
        gv = { group, version: v.name, resources: [] };
        gvs.set(key, gv);
      }
      gv.resources.push({
        resource: names.plural,
        kind: names.kind,
        namespaced: scope === 'Namespaced',
        typeRef: `${prefix}.${names.kind}`,
        listTypeRef: `${prefix}.${listKind}`,
        subresources: [
          ...(v.subresources?.status ? [{ name: 'status', actions: ['get', 'put', 'patch'] }] : []),
          ...(v.subresources?.scale
            ? [{ name: 'scale', actions: ['get', 'put', 'patch'], typeRef: 'io.k8s.api.autoscaling.v1.Scale' }]
            : []),
        ],
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      });
    }
  }
  return { title: 'CustomResourceDefinitions', definitions, groupVersions: [...gvs.values()] };
}
