// TypeScript types for one custom resource version from its openAPIV3Schema: the kind (root
// metadata always ObjectMeta, literal apiVersion and kind), its list, and one named, exported
// interface per nested object, named as kopium does (Kind + property path: HTTPRouteSpecRules),
// with the schema's description as its doc comment. The emitted code refers to no global type,
// so a kind may be called `Record` or `Array`.
import type { CrdVersion } from './crd-model.js';
import type { Schema } from './model.js';
import { type NameRegistry, pascalPart } from './names.js';

/** A schema as CRDs write it: OpenAPI v3 with `nullable` and the Kubernetes extensions. */
type CrdSchema = Schema & {
  nullable?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  anyOf?: CrdSchema[];
  oneOf?: CrdSchema[];
};

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A doc comment for `text` at `indent` (empty without text); `*\/` cannot end it early. */
export function docComment(text: string | undefined, indent: string): string {
  if (!text?.trim()) return '';
  const lines = text.replace(/\r\n?/g, '\n').replace(/\*\//g, '*\\/').trim().split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`.trimEnd()).join('\n')}\n${indent} */\n`;
}

/** A property key as TypeScript writes it: bare when an identifier, quoted otherwise. */
export function propertyKey(key: string): string {
  return IDENT.test(key) ? key : JSON.stringify(key);
}

/** An enum's literal union, or undefined when a value is not a string, number, boolean or null. */
function enumType(values: unknown[]): string | undefined {
  if (!values.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) return undefined;
  const literals = [...new Set(values.map((v) => JSON.stringify(v)))];
  return literals.join(' | ');
}

/** An item or value schema with the description of its array or map when it has none of its own. */
function withDescription(s: CrdSchema | undefined, description: string | undefined): CrdSchema | undefined {
  if (!s || typeof s !== 'object' || s.description || !description || !s.properties) return s;
  return { ...s, description };
}

/** Wraps a union for use as an array element: `(A | B)[]`. */
const arrayOf = (t: string) => (/[ |&]/.test(t) ? `(${t})[]` : `${t}[]`);

/** The names of the imported meta types, as the kind module imports them. */
export interface MetaNames {
  objectMeta: string;
  listMeta: string;
}

/**
 * Renders the types of one kind: the declarations (kind, list, nested types) in order, sharing
 * `names` with the other kinds of its group version so every exported name is unique there.
 *
 * @example
 * const { text, kindName } = renderCrdTypes(version, registry, 'Widget', 'WidgetList', { objectMeta: 'ObjectMeta', listMeta: 'ListMeta' });
 */
export function renderCrdTypes(
  v: CrdVersion,
  names: NameRegistry,
  kindName: string,
  listName: string,
  meta: MetaNames,
): string {
  const decls: string[] = [];

  const typeOf = (s: CrdSchema | undefined, path: string): string => {
    const t = baseType(s, path);
    return s?.nullable && t !== 'unknown' ? `${t} | null` : t;
  };

  const baseType = (s: CrdSchema | undefined, path: string): string => {
    if (!s || typeof s !== 'object') return 'unknown';
    if (s['x-kubernetes-int-or-string']) return 'number | string';
    if (Array.isArray(s.enum) && s.enum.length > 0) {
      const e = enumType(s.enum);
      if (e) return e;
    }
    const type = s.type ?? (s.properties ? 'object' : undefined);
    switch (type) {
      case 'string':
        return 'string';
      case 'integer':
      case 'number':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'array':
        return arrayOf(typeOf(withDescription(s.items as CrdSchema | undefined, s.description), path));
      case 'object':
        return objectType(s, path);
      default:
        return 'unknown';
    }
  };

  const objectType = (s: CrdSchema, path: string): string => {
    const props = s.properties && Object.keys(s.properties).length > 0 ? s.properties : undefined;
    const extra = s.additionalProperties;
    const open = s['x-kubernetes-preserve-unknown-fields'] === true || extra === true;
    if (!props) {
      if (extra && typeof extra === 'object') {
        return `{ [key: string]: ${typeOf(withDescription(extra as CrdSchema, s.description), path)} }`;
      }
      return '{ [key: string]: unknown }';
    }
    const name = names.claim(path);
    const slot = decls.push('') - 1;
    const embedded = s['x-kubernetes-embedded-resource'] === true;
    const body = members(props as Record<string, CrdSchema>, new Set(s.required ?? []), name, embedded);
    const index = open || (extra && typeof extra === 'object') ? '  [key: string]: unknown;\n' : '';
    decls[slot] = `${docComment(s.description, '')}export interface ${name} {\n${body}${index}}\n`;
    return name;
  };

  const members = (
    props: Record<string, CrdSchema>,
    required: Set<string>,
    owner: string,
    embedded = false,
  ): string => {
    let out = '';
    for (const key of Object.keys(props)) {
      const prop = props[key]!;
      // An embedded object's metadata is ObjectMeta when its schema does not spell it out.
      const metadata = embedded && key === 'metadata' && !prop.properties;
      const t = metadata ? meta.objectMeta : typeOf(prop, `${owner}${pascalPart(key)}`);
      out += docComment(prop.description, '  ');
      out += `  ${propertyKey(key)}${required.has(key) ? '' : '?'}: ${t};\n`;
    }
    return out;
  };

  const root = v.schema as CrdSchema;
  const required = new Set(root.required ?? []);
  const apiVersion = `${v.group}/${v.version}`;
  const opt = (k: string) => (required.has(k) ? '' : '?');
  const rootProps = { ...(root.properties ?? {}) } as Record<string, CrdSchema>;
  delete rootProps.apiVersion;
  delete rootProps.kind;
  delete rootProps.metadata;
  const slot = decls.push('') - 1;
  let body =
    `  /** APIVersion of this object. */\n  apiVersion${opt('apiVersion')}: ${JSON.stringify(apiVersion)};\n` +
    `  /** Kind of this object. */\n  kind${opt('kind')}: ${JSON.stringify(v.kind)};\n` +
    `  /** Standard object metadata. */\n  metadata${opt('metadata')}: ${meta.objectMeta};\n`;
  body += members(rootProps, required, kindName);
  if (root['x-kubernetes-preserve-unknown-fields'] === true || root.additionalProperties) {
    body += '  [key: string]: unknown;\n';
  }
  const rootDoc = root.description ?? `${v.kind} (${apiVersion}), a custom resource.`;
  decls[slot] = `${docComment(rootDoc, '')}export interface ${kindName} {\n${body}}\n`;
  decls.splice(
    1,
    0,
    `/** ${listName} is a list of ${v.kind}. */\nexport interface ${listName} {\n  apiVersion?: ${JSON.stringify(apiVersion)};\n  items: ${kindName}[];\n  kind?: ${JSON.stringify(v.listKind)};\n  metadata?: ${meta.listMeta};\n}\n`,
  );
  return decls.join('\n');
}
