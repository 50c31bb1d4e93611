// Emits TypeScript interfaces for OpenAPI definitions, one module per API package
// (`core/v1`, `apps/v1`, `meta/v1`, ...), with doc comments from the descriptions.
import type { Schema } from './model.js';

const PREFIXES = [
  'crd.',
  'io.k8s.api.',
  'io.k8s.apimachinery.pkg.apis.',
  'io.k8s.apiextensions-apiserver.pkg.apis.',
  'io.k8s.kube-aggregator.pkg.apis.',
  'io.k8s.apimachinery.pkg.',
];

/** Definitions that map to plain TypeScript types instead of interfaces. */
export const SCALAR_DEFINITIONS: Record<string, string> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': 'string',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': 'number | string',
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': 'string',
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': 'string',
  'io.k8s.apimachinery.pkg.runtime.RawExtension': 'Record<string, unknown>',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON': 'unknown',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSON': 'unknown',
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': 'Record<string, unknown>',
};

/**
 * Definitions taken from kube-client's apimachinery instead of being generated: none. The API types
 * are the bottom layer and import nothing; apimachinery's ObjectMeta, ListMeta, OwnerReference and
 * Status are aliases of the generated meta/v1 interfaces.
 */
export const RUNTIME_DEFINITIONS: Record<string, string> = {};

/** Module path and type name of a definition: `io.k8s.api.apps.v1.Deployment` -> [`apps/v1`, `Deployment`]. */
export function moduleOf(defName: string): [string, string] {
  let rest = defName;
  for (const p of PREFIXES) {
    if (rest.startsWith(p)) {
      rest = rest.slice(p.length);
      break;
    }
  }
  const parts = rest.split('.');
  const name = parts.pop()!;
  return [parts.join('/').replace(/[^A-Za-z0-9/]/g, '_') || 'misc', name];
}

/** A safe identifier for a module alias: `apps/v1` -> `apps_v1`. */
export function moduleAlias(mod: string): string {
  return mod.replace(/[^A-Za-z0-9]/g, '_');
}

function docComment(text: string | undefined, indent: string): string {
  if (!text) return '';
  const clean = text.replace(/\*\//g, '*\\/').trim();
  const lines = clean.split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`.trimEnd()).join('\n')}\n${indent} */\n`;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Renders types for one module, tracking the other modules it refers to. */
export class TypeRenderer {
  readonly imports = new Set<string>();
  readonly runtime = new Set<string>();
  constructor(private readonly mod: string) {}

  ref(defName: string): string {
    const scalar = SCALAR_DEFINITIONS[defName];
    if (scalar) return scalar;
    const runtime = RUNTIME_DEFINITIONS[defName];
    if (runtime) {
      this.runtime.add(runtime);
      return runtime;
    }
    const [mod, name] = moduleOf(defName);
    if (mod === this.mod) return name;
    this.imports.add(mod);
    return `${moduleAlias(mod)}.${name}`;
  }

  type(s: Schema | undefined): string {
    if (!s) return 'unknown';
    if (s.$ref) return this.ref(s.$ref.replace('#/definitions/', ''));
    if (s.allOf && s.allOf.length === 1) return this.type(s.allOf[0]);
    if (s['x-kubernetes-int-or-string']) return 'number | string';
    if (s.enum && s.enum.length > 0 && s.enum.every((v) => typeof v === 'string')) {
      return s.enum.map((v) => JSON.stringify(v)).join(' | ');
    }
    switch (s.type) {
      case 'string':
        return 'string';
      case 'integer':
      case 'number':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'array':
        return `Array<${this.type(s.items)}>`;
      case 'object':
        if (s.properties) return this.inlineObject(s, '');
        if (s.additionalProperties && typeof s.additionalProperties === 'object') {
          return `Record<string, ${this.type(s.additionalProperties)}>`;
        }
        return 'Record<string, unknown>';
      default:
        if (s.properties) return this.inlineObject(s, '');
        return 'unknown';
    }
  }

  private inlineObject(s: Schema, indent: string): string {
    return `{\n${this.members(s, `${indent}  `)}${indent}}`;
  }

  members(s: Schema, indent: string): string {
    const required = new Set(s.required ?? []);
    let out = '';
    for (const key of Object.keys(s.properties ?? {}).sort()) {
      const prop = s.properties![key]!;
      out += docComment(prop.description, indent);
      const name = IDENT.test(key) ? key : JSON.stringify(key);
      out += `${indent}${name}${required.has(key) ? '' : '?'}: ${this.type(prop)};\n`;
    }
    return out;
  }

  /** One exported declaration for a definition. */
  declaration(defName: string, s: Schema, kinds: Map<string, { apiVersion: string; kind: string }>): string {
    const [, name] = moduleOf(defName);
    const out = docComment(s.description, '');
    if (!s.properties && s.type !== 'object') {
      return `${out}export type ${name} = ${this.type(s)};\n`;
    }
    const gvk = kinds.get(defName);
    let body = this.members(s, '  ');
    if (gvk) {
      body = body
        .replace(/^ {2}apiVersion\?: string;$/m, `  apiVersion?: ${JSON.stringify(gvk.apiVersion)};`)
        .replace(/^ {2}kind\?: string;$/m, `  kind?: ${JSON.stringify(gvk.kind)};`);
    }
    return `${out}export interface ${name} {\n${body}}\n`;
  }
}

/**
 * Renders all definitions of one module as a TypeScript file.
 *
 * @example
 * const text = renderTypesModule('apps/v1', defs, kinds, { apimachinery: '../../apimachinery/index.js' });
 */
export function renderTypesModule(
  mod: string,
  defs: Array<[string, Schema]>,
  kinds: Map<string, { apiVersion: string; kind: string }>,
  runtimeImport: string,
  pathToRoot: string,
): string {
  const r = new TypeRenderer(mod);
  const body = defs.map(([name, s]) => r.declaration(name, s, kinds)).join('\n');
  let head = `// Generated by kube-client codegen from the OpenAPI spec; do not edit.\n// Types of the ${mod} API package.\n`;
  if (r.runtime.size > 0) head += `import type { ${[...r.runtime].sort().join(', ')} } from '${runtimeImport}';\n`;
  for (const m of [...r.imports].sort())
    head += `import type * as ${moduleAlias(m)} from '${pathToRoot}types/${m}.js';\n`;
  return `${head}\n${body}`;
}
