// Types from CRD schemas: what each schema shape becomes (a table in our own words), and what a CRD
// document gives the model (served versions, v1beta1 refused, fingerprints).
import { describe, expect, it } from 'vitest';
import {
  type CrdVersion,
  crdVersions,
  NameRegistry,
  renderCrdTypes,
  type Schema,
  TS_GLOBAL_TYPES,
} from '../../../src/codegen/index.js';

const META = { objectMeta: 'ObjectMeta', listMeta: 'ListMeta' };

function render(schema: Record<string, unknown>, kind = 'Widget'): string {
  const v = {
    group: 'example.com',
    version: 'v1',
    kind,
    listKind: `${kind}List`,
    plural: 'widgets',
    namespaced: true,
    status: false,
    scale: false,
    schema: schema as Schema,
    crdName: 'widgets.example.com',
    source: 'test',
    fingerprint: '',
  } satisfies CrdVersion;
  const names = new NameRegistry(['ObjectMeta', 'ListMeta']);
  return renderCrdTypes(v, names, names.claim(kind), names.claim(`${kind}List`), META);
}

/** The body of `export interface <name> { ... }` in `text`. */
function body(text: string, name: string): string {
  const m = new RegExp(`export interface ${name} \\{\\n([\\s\\S]*?)\\n\\}`).exec(text);
  if (!m) throw new Error(`no interface ${name} in:\n${text}`);
  return m[1]!;
}

const spec = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties: { spec: { type: 'object', properties, ...extra } },
});

describe('renderCrdTypes: one schema shape at a time', () => {
  it.each([
    ['a string', { type: 'string' }, 'a?: string;'],
    ['an integer', { type: 'integer', format: 'int64' }, 'a?: number;'],
    ['a boolean', { type: 'boolean' }, 'a?: boolean;'],
    [
      'int-or-string',
      { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
      'a?: number | string;',
    ],
    ['a nullable string', { type: 'string', nullable: true }, 'a?: string | null;'],
    ['a string enum', { type: 'string', enum: ['A', 'B'] }, 'a?: "A" | "B";'],
    ['an integer enum', { type: 'integer', enum: [301, 302] }, 'a?: 301 | 302;'],
    ['a boolean enum', { type: 'boolean', enum: [true] }, 'a?: true;'],
    ['a nullable enum', { type: 'string', enum: ['A', null], nullable: true }, 'a?: "A" | null | null;'],
    ['an enum of objects (kept as its type)', { type: 'object', enum: [{}] }, 'a?: { [key: string]: unknown };'],
    ['an array of strings', { type: 'array', items: { type: 'string' } }, 'a?: string[];'],
    ['an array of an enum', { type: 'array', items: { type: 'string', enum: ['x', 'y'] } }, 'a?: ("x" | "y")[];'],
    [
      'a map of strings',
      { type: 'object', additionalProperties: { type: 'string' } },
      'a?: { [key: string]: string };',
    ],
    ['an open object', { type: 'object' }, 'a?: { [key: string]: unknown };'],
    ['a preserved value with no type', { 'x-kubernetes-preserve-unknown-fields': true }, 'a?: unknown;'],
    ['a nested object', { type: 'object', properties: { b: { type: 'string' } } }, 'a?: WidgetSpecA;'],
    [
      'an array of objects',
      { type: 'array', items: { type: 'object', properties: { b: { type: 'string' } } } },
      'a?: WidgetSpecA[];',
    ],
    [
      'a map of objects',
      { type: 'object', additionalProperties: { type: 'object', properties: { b: { type: 'string' } } } },
      'a?: { [key: string]: WidgetSpecA };',
    ],
    [
      'a nullable object',
      { type: 'object', nullable: true, properties: { b: { type: 'string' } } },
      'a?: WidgetSpecA | null;',
    ],
  ])('%s', (_name, schema, member) => {
    expect(body(render(spec({ a: schema })), 'WidgetSpec')).toContain(`  ${member}`);
  });

  it('always types the root metadata as ObjectMeta, whatever the schema says', () => {
    const text = render({
      type: 'object',
      properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 63 } } } },
    });
    expect(body(text, 'Widget')).toContain('  metadata?: ObjectMeta;');
    expect(text).not.toContain('WidgetMetadata');
  });

  it('puts a required root kind on the root only, as its literal; nested kinds stay strings', () => {
    const text = render({
      type: 'object',
      required: ['kind', 'spec'],
      properties: {
        kind: { type: 'string' },
        spec: {
          type: 'object',
          properties: { issuerRef: { type: 'object', properties: { kind: { type: 'string' } } } },
        },
      },
    });
    expect(body(text, 'Widget')).toContain('  kind: "Widget";');
    expect(body(text, 'Widget')).toContain('  apiVersion?: "example.com/v1";');
    expect(body(text, 'WidgetSpecIssuerRef')).toBe('  kind?: string;');
  });

  it('emits one named, exported, indented interface per nested object, with its description', () => {
    const text = render(
      spec(
        {
          rules: {
            description: 'Rules route requests.\nSecond line with */ in it.',
            type: 'array',
            items: {
              type: 'object',
              required: ['matches'],
              properties: {
                matches: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' } } } },
              },
            },
          },
          'weird-key': { type: 'boolean', description: 'Quoted.' },
        },
        { description: 'The spec.' },
      ),
      'HTTPRoute',
    );
    expect(text).toContain('/** The spec. */\nexport interface HTTPRouteSpec {\n');
    expect(text).toContain(
      '/**\n * Rules route requests.\n * Second line with *\\/ in it.\n */\nexport interface HTTPRouteSpecRules {\n  matches: HTTPRouteSpecRulesMatches[];\n}',
    );
    expect(body(text, 'HTTPRouteSpec')).toContain('  /** Quoted. */\n  "weird-key"?: boolean;');
    expect(body(text, 'HTTPRouteSpecRulesMatches')).toBe('  path?: string;');
    // Declarations in order: the kind, its list, then nested types parent before child.
    const order = [...text.matchAll(/export interface (\w+)/g)].map((m) => m[1]);
    expect(order).toEqual([
      'HTTPRoute',
      'HTTPRouteList',
      'HTTPRouteSpec',
      'HTTPRouteSpecRules',
      'HTTPRouteSpecRulesMatches',
    ]);
  });

  it('numbers a nested name that is taken (two paths that give the same name)', () => {
    const text = render(
      spec({
        'a-b': { type: 'object', properties: { x: { type: 'string' } } },
        aB: { type: 'object', properties: { y: { type: 'string' } } },
      }),
    );
    expect(body(text, 'WidgetSpec')).toContain('  "a-b"?: WidgetSpecAB;\n  aB?: WidgetSpecAB2;');
  });

  it('keeps listed properties typed and allows unknown ones under x-kubernetes-preserve-unknown-fields', () => {
    const open = render({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(body(open, 'Widget')).toContain('  [key: string]: unknown;');
    const listed = render(spec({ name: { type: 'string' } }, { 'x-kubernetes-preserve-unknown-fields': true }));
    expect(body(listed, 'WidgetSpec')).toBe('  name?: string;\n  [key: string]: unknown;');
  });

  it('types the metadata of an embedded resource as ObjectMeta', () => {
    const text = render(
      spec({
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          properties: { apiVersion: { type: 'string' }, metadata: { type: 'object' } },
        },
      }),
    );
    expect(body(text, 'WidgetSpecTemplate')).toContain('  metadata?: ObjectMeta;');
  });

  it('refers to no global type, so a kind may be called Record or Array', () => {
    const text = render(
      spec({
        m: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        l: { type: 'array', items: { type: 'integer' } },
      }),
      'Record',
    );
    const used = [...text.matchAll(/\b([A-Z]\w*)\b(?=<)/g)].map((m) => m[1]!);
    expect(used.filter((n) => TS_GLOBAL_TYPES.has(n))).toEqual([]);
    expect(text).toContain('export interface Record {');
  });
});

describe('crdVersions', () => {
  const doc = (value: unknown) => ({ source: 'f.yaml (document 1)', file: 'f.yaml', value });
  const base = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Cluster',
      names: { kind: 'Widget', plural: 'widgets' },
      versions: [
        {
          name: 'v1',
          served: true,
          subresources: { status: {}, scale: {} },
          schema: { openAPIV3Schema: { type: 'object' } },
        },
        { name: 'v0', served: false },
        { name: 'v2', served: true },
      ],
    },
  };

  it('gives the served versions with names, scope and subresources; other objects give null', () => {
    expect(crdVersions(doc({ kind: 'ConfigMap' }))).toBeNull();
    const vs = crdVersions(doc(base))!;
    expect(vs.map((v) => [v.version, v.listKind, v.namespaced, v.status, v.scale])).toEqual([
      ['v1', 'WidgetList', false, true, true],
      ['v2', 'WidgetList', false, false, false],
    ]);
    expect(vs[1]!.schema).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('fingerprints the content, not the key order', () => {
    const reordered = {
      ...base,
      spec: { versions: base.spec.versions, names: base.spec.names, scope: 'Cluster', group: 'example.com' },
    };
    expect(crdVersions(doc(reordered))![0]!.fingerprint).toBe(crdVersions(doc(base))![0]!.fingerprint);
    const namespaced = { ...base, spec: { ...base.spec, scope: 'Namespaced' } };
    expect(crdVersions(doc(namespaced))![0]!.fingerprint).not.toBe(crdVersions(doc(base))![0]!.fingerprint);
  });

  it.each([
    ['by its apiVersion', { ...base, apiVersion: 'apiextensions.k8s.io/v1beta1' }],
    [
      'by its shape',
      {
        kind: 'CustomResourceDefinition',
        metadata: { name: 'w.example.com' },
        spec: { group: 'example.com', version: 'v1', validation: {} },
      },
    ],
  ])('refuses an apiextensions v1beta1 CRD (%s) and says how to convert it', (_how, value) => {
    expect(() => crdVersions(doc(value))).toThrow(
      /^f\.yaml: CustomResourceDefinition w.*\.example\.com: apiextensions\.k8s\.io\/v1beta1 is not supported .*convert it to apiextensions\.k8s\.io\/v1: move spec\.validation\.openAPIV3Schema to spec\.versions\[\]\.schema\.openAPIV3Schema/,
    );
  });
});
