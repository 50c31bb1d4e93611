// What the generator takes from one CustomResourceDefinition: a resource per served version with
// its names, scope, subresources and schema; apiextensions v1beta1 CRDs are refused with the way
// to convert them. A fingerprint per version tells a repeated CRD from a conflicting one.
import { createHash } from 'node:crypto';
import type { InputDocument } from './crd-input.js';
import { CodegenError } from './errors.js';
import type { Schema } from './model.js';

/** One served version of a CRD. */
export interface CrdVersion {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** The plural resource name: `widgets`. */
  plural: string;
  namespaced: boolean;
  status: boolean;
  scale: boolean;
  /** The openAPIV3Schema (an open object when the version has none). */
  schema: Schema;
  /** `metadata.name` of the CRD. */
  crdName: string;
  /** Where it was read. */
  source: string;
  /** Hash of everything above that shapes the output, to tell a repeat from a conflict. */
  fingerprint: string;
}

interface RawCrd {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown };
  spec?: {
    group?: unknown;
    scope?: unknown;
    version?: unknown;
    validation?: unknown;
    names?: { kind?: unknown; plural?: unknown; listKind?: unknown };
    versions?: Array<{
      name?: unknown;
      served?: unknown;
      schema?: { openAPIV3Schema?: Schema };
      subresources?: { status?: unknown; scale?: unknown };
    }>;
  };
}

const V1BETA1_HINT =
  'apiextensions.k8s.io/v1beta1 is not supported (Kubernetes removed it in 1.22); convert it to apiextensions.k8s.io/v1: ' +
  'move spec.validation.openAPIV3Schema to spec.versions[].schema.openAPIV3Schema and spec.subresources to spec.versions[].subresources ' +
  '(or read it back as v1 with "kubectl get crd <name> -o yaml" from a cluster that accepted it)';

function missingFields(spec: RawCrd['spec']): string[] {
  const missing: string[] = [];
  const str = (v: unknown) => typeof v === 'string' && v !== '';
  if (!str(spec?.group)) missing.push('spec.group');
  if (!str(spec?.names?.kind)) missing.push('spec.names.kind');
  if (!str(spec?.names?.plural)) missing.push('spec.names.plural');
  if (!Array.isArray(spec?.versions) || spec.versions.some((v) => typeof v?.name !== 'string')) {
    missing.push('spec.versions (each with a name)');
  }
  return missing;
}

/** Appends a stable JSON text of `v` (object keys sorted) to `parts`, in linear time. */
function stableJson(v: unknown, parts: string[]): string[] {
  if (Array.isArray(v)) {
    parts.push('[');
    for (const x of v) {
      stableJson(x, parts);
      parts.push(',');
    }
    parts.push(']');
  } else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    parts.push('{');
    for (const k of Object.keys(o).sort()) {
      parts.push(JSON.stringify(k), ':');
      stableJson(o[k], parts);
      parts.push(',');
    }
    parts.push('}');
  } else {
    parts.push(JSON.stringify(v) ?? 'null');
  }
  return parts;
}

/**
 * The served versions of `doc` when it is a CustomResourceDefinition, or null for any other
 * object (skipped). Throws a CodegenError naming the source for a v1beta1 CRD or one that lacks a
 * field the generator needs.
 *
 * @example
 * for (const doc of documentsOf(text, 'crds.yaml')) for (const v of crdVersions(doc) ?? []) console.log(v.kind, v.version);
 */
export function crdVersions(doc: InputDocument): CrdVersion[] | null {
  const crd = doc.value as RawCrd | null;
  if (!crd || typeof crd !== 'object' || crd.kind !== 'CustomResourceDefinition') return null;
  const name = typeof crd.metadata?.name === 'string' ? crd.metadata.name : undefined;
  const label = name ?? `in ${doc.source.slice(doc.file.length).replace(/^ \((.*)\)$/, '$1') || doc.source}`;
  const v1beta1 =
    crd.apiVersion === 'apiextensions.k8s.io/v1beta1' ||
    (!Array.isArray(crd.spec?.versions) && (crd.spec?.validation !== undefined || crd.spec?.version !== undefined));
  if (v1beta1) throw new CodegenError(`${doc.file}: CustomResourceDefinition ${label}: ${V1BETA1_HINT}`);
  const missing = missingFields(crd.spec);
  if (missing.length > 0) {
    throw new CodegenError(`${doc.file}: CustomResourceDefinition ${label} lacks ${missing.join(', ')}`);
  }
  const spec = crd.spec!;
  const group = spec.group as string;
  const kind = spec.names!.kind as string;
  const plural = spec.names!.plural as string;
  const listKind =
    typeof spec.names!.listKind === 'string' && spec.names!.listKind ? spec.names!.listKind : `${kind}List`;
  const out: CrdVersion[] = [];
  for (const v of spec.versions!) {
    if (v.served === false) continue;
    const schema = v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    const base = {
      group,
      version: v.name as string,
      kind,
      listKind,
      plural,
      namespaced: spec.scope !== 'Cluster',
      status: !!v.subresources?.status,
      scale: !!v.subresources?.scale,
      schema,
    };
    const fingerprint = createHash('sha256').update(stableJson(base, []).join('')).digest('hex');
    out.push({ ...base, crdName: name ?? `${plural}.${group}`, source: doc.source, fingerprint });
  }
  return out;
}
