// Custom resources defined in TypeScript: the schema builders give the structural OpenAPI v3
// schema and the TypeScript type from one object, defineCustomResource the CRD manifest, and bad
// definitions a typed error naming every problem. (The live apiserver judges the manifest in
// test/integration/custom-resource.test.ts.)
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  array,
  boolean,
  CustomResourceDefinitionError,
  type CustomResourceOf,
  defineCustomResource,
  type Infer,
  integer,
  intOrString,
  map,
  nullable,
  number,
  object,
  optional,
  preserveUnknownFields,
  SchemaError,
  string,
} from '../../../src/controller/index.js';

const spec = object({
  replicas: integer({ minimum: 0, maximum: 10 }),
  image: optional(string({ minLength: 1 })),
  mode: optional(string({ enum: ['Fast', 'Slow'], default: 'Fast' })),
  ports: optional(array(integer(), { listType: 'set' })),
  labels: optional(map(string())),
  ratio: optional(number()),
  paused: optional(boolean()),
  maxUnavailable: optional(intOrString()),
  extra: optional(preserveUnknownFields()),
});

const widgets = defineCustomResource({
  group: 'example.com',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  shortNames: ['wd'],
  schema: { spec, status: object({ ready: integer(), phase: optional(nullable(string())) }) },
  printerColumns: [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' }],
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.ready' } },
});

describe('schema builders', () => {
  it('give the structural schema', () => {
    expect(spec.schema).toEqual({
      type: 'object',
      required: ['replicas'],
      properties: {
        replicas: { type: 'integer', minimum: 0, maximum: 10 },
        image: { type: 'string', minLength: 1 },
        mode: { type: 'string', enum: ['Fast', 'Slow'], default: 'Fast' },
        ports: { type: 'array', items: { type: 'integer' }, 'x-kubernetes-list-type': 'set' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        ratio: { type: 'number' },
        paused: { type: 'boolean' },
        maxUnavailable: { 'x-kubernetes-int-or-string': true },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    });
    expect(nullable(string()).schema).toEqual({ type: 'string', nullable: true });
    expect(optional(string()).optional).toBe(true);
  });

  it('give the TypeScript type of the same object', () => {
    expectTypeOf<Infer<typeof spec>>().toEqualTypeOf<{
      replicas: number;
      image?: string;
      mode?: 'Fast' | 'Slow';
      ports?: number[];
      labels?: Record<string, string>;
      ratio?: number;
      paused?: boolean;
      maxUnavailable?: number | string;
      extra?: { [key: string]: unknown };
    }>();
    expectTypeOf<Infer<ReturnType<typeof string>>>().toEqualTypeOf<string>();
  });

  it.each([
    [
      'an integer range upside down',
      () => integer({ minimum: 2, maximum: 1 }),
      /minimum \(2\) is above the maximum \(1\)/,
    ],
    ['an empty enum', () => string({ enum: [] }), /at least one value/],
    ['list map keys without listType map', () => array(object({}), { listMapKeys: ['name'] }), /listType "map"/],
  ])('refuse %s with a SchemaError', (_what, build, message) => {
    expect(build).toThrow(SchemaError);
    expect(build).toThrow(message);
  });
});

describe('defineCustomResource', () => {
  it('gives the CRD manifest', () => {
    expect(widgets.name).toBe('widgets.example.com');
    expect(widgets.apiVersion).toBe('example.com/v1');
    expect(widgets.manifest()).toEqual({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget', shortNames: ['wd'] },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                required: ['spec'],
                properties: {
                  spec: spec.schema,
                  status: {
                    type: 'object',
                    required: ['ready'],
                    properties: { ready: { type: 'integer' }, phase: { type: 'string', nullable: true } },
                  },
                },
              },
            },
            subresources: {
              status: {},
              scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.ready' },
            },
            additionalPrinterColumns: [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' }],
          },
        ],
      },
    });
  });

  it('types its objects from the schema', () => {
    type Widget = CustomResourceOf<typeof widgets>;
    expectTypeOf<Widget['apiVersion']>().toEqualTypeOf<'example.com/v1' | undefined>();
    expectTypeOf<Widget['kind']>().toEqualTypeOf<'Widget' | undefined>();
    expectTypeOf<Widget['spec']['replicas']>().toEqualTypeOf<number>();
    expectTypeOf<Widget['status']>().toEqualTypeOf<{ ready: number; phase?: string | null } | undefined>();
    const w: Widget = { metadata: { name: 'w' }, spec: { replicas: 1, mode: 'Slow' } };
    // @ts-expect-error mode is one of the enum's values
    const bad: Widget = { metadata: { name: 'w' }, spec: { replicas: 1, mode: 'Medium' } };
    // @ts-expect-error spec is required, as the schema says
    const noSpec: Widget = { metadata: { name: 'w' } };
    expect([w, bad, noSpec]).toHaveLength(3);
    const plain = defineCustomResource({
      group: 'example.com',
      version: 'v1',
      kind: 'Plain',
      plural: 'plains',
      scope: 'Cluster',
      schema: { spec: object({ a: string() }) },
    });
    expectTypeOf<CustomResourceOf<typeof plain>>().not.toHaveProperty('status');
    expect(plain.manifest().spec.scope).toBe('Cluster');
    expect(plain.client({ host: 'https://127.0.0.1:1' }).descriptor).toEqual({
      group: 'example.com',
      version: 'v1',
      resource: 'plains',
      kind: 'Plain',
      namespaced: false,
    });
  });

  it('refuses a definition that cannot be a valid CRD, naming every problem', () => {
    const define = () =>
      defineCustomResource({
        group: 'widgets',
        version: 'V1',
        kind: 'widget',
        plural: 'Widgets',
        schema: { spec: object({}) },
        printerColumns: [{ name: 'R', type: 'integer', jsonPath: 'spec.replicas' }],
        subresources: { scale: { specReplicasPath: '.replicas', statusReplicasPath: '.status.r' } },
      });
    expect(define).toThrow(CustomResourceDefinitionError);
    expect(define).toThrow(
      'custom resource widget: group "widgets" must be a lower-case DNS subdomain with at least one dot (example.com); ' +
        'version "V1" must be a lower-case DNS label (v1, v1beta1); kind "widget" must be PascalCase letters and digits (Widget); ' +
        'plural "Widgets" must be a lower-case DNS label; printer column "R": jsonPath must start with "." (.spec.x); ' +
        'scale: specReplicasPath must start with .spec.',
    );
  });
});
