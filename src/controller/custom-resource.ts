// A custom resource defined in TypeScript: one definition (names, scope, a schema built with
// ./schema.js, printer columns, subresources) gives the apiextensions.k8s.io/v1 CRD manifest with
// its structural OpenAPI v3 schema, the TypeScript type of its objects (CustomResourceOf), and a
// typed client, so the schema in code is the one source of truth (kube-rs's CustomResource derive).
import type { KubeList, ObjectMeta } from '../apimachinery/meta.js';
import type { apiextensions_v1 } from '../kubernetes/index.js';
import { TypedResourceClient } from '../kubernetes/runtime.js';
import { RESTClientPool } from '../rest/client-pool.js';
import type { Config } from '../rest/config.js';
import type { AnySchema, Infer } from './schema.js';

/** A column `kubectl get` shows for the resource (additionalPrinterColumns). */
export interface PrinterColumn {
  name: string;
  type: 'integer' | 'number' | 'string' | 'boolean' | 'date';
  /** A simple JSONPath into the object: `.spec.replicas`. */
  jsonPath: string;
  description?: string;
  /** 0 shows in the default view, higher only with `-o wide`. */
  priority?: number;
  format?: string;
}

/** The scale subresource: where replicas live in spec and status. */
export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** What {@link defineCustomResource} takes. */
export interface CustomResourceOptions<
  G extends string,
  V extends string,
  K extends string,
  Spec extends AnySchema,
  Status extends AnySchema | undefined,
> {
  /** The API group, a DNS subdomain with at least one dot: `example.com`. */
  group: G;
  /** The version: `v1`, `v1alpha1`... */
  version: V;
  /** The kind, in PascalCase: `Widget`. */
  kind: K;
  /** The plural resource name, lower case: `widgets`. */
  plural: string;
  /** Default: the kind in lower case. */
  singular?: string;
  shortNames?: string[];
  categories?: string[];
  /** Default: `Namespaced`. */
  scope?: 'Namespaced' | 'Cluster';
  /** The description of the whole object (kubectl explain). */
  description?: string;
  /** The schemas of `spec` (required in every object) and `status`. */
  schema: { spec: Spec; status?: Status };
  printerColumns?: PrinterColumn[];
  subresources?: { status?: boolean; scale?: ScaleSubresource };
}

/**
 * A definition that cannot become a valid CRD (a bad name, a column without a JSONPath, a scale
 * subresource pointing outside spec/status): thrown by {@link defineCustomResource}, naming it.
 *
 * @example
 * try { defineCustomResource({ ...options, plural: 'Widgets' }); } catch (err) { if (err instanceof CustomResourceDefinitionError) console.error(err.message); }
 */
export class CustomResourceDefinitionError extends Error {
  override readonly name = 'CustomResourceDefinitionError';
}

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;
const COLUMN_TYPES = ['integer', 'number', 'string', 'boolean', 'date'];

function validate(o: CustomResourceOptions<string, string, string, AnySchema, AnySchema | undefined>): void {
  const problems: string[] = [];
  if (!DNS_SUBDOMAIN.test(o.group) || o.group.length > 253) {
    problems.push(`group "${o.group}" must be a lower-case DNS subdomain with at least one dot (example.com)`);
  }
  if (!DNS_LABEL.test(o.version)) problems.push(`version "${o.version}" must be a lower-case DNS label (v1, v1beta1)`);
  if (!KIND.test(o.kind)) problems.push(`kind "${o.kind}" must be PascalCase letters and digits (Widget)`);
  for (const [what, name] of [
    ['plural', o.plural],
    ['singular', o.singular],
    ...(o.shortNames ?? []).map((n) => ['short name', n]),
  ] as const) {
    if (name !== undefined && !DNS_LABEL.test(name)) problems.push(`${what} "${name}" must be a lower-case DNS label`);
  }
  if (o.scope !== undefined && o.scope !== 'Namespaced' && o.scope !== 'Cluster') {
    problems.push(`scope "${String(o.scope)}" must be Namespaced or Cluster`);
  }
  if (!o.schema?.spec?.schema) problems.push('schema.spec is required (object({ ... }))');
  for (const c of o.printerColumns ?? []) {
    if (!c.name) problems.push('a printer column without a name');
    if (!COLUMN_TYPES.includes(c.type))
      problems.push(`printer column "${c.name}": type must be one of ${COLUMN_TYPES}`);
    if (!c.jsonPath?.startsWith('.'))
      problems.push(`printer column "${c.name}": jsonPath must start with "." (.spec.x)`);
  }
  const scale = o.subresources?.scale;
  if (scale) {
    if (!scale.specReplicasPath.startsWith('.spec.')) problems.push('scale: specReplicasPath must start with .spec.');
    if (!scale.statusReplicasPath.startsWith('.status.')) {
      problems.push('scale: statusReplicasPath must start with .status.');
    }
    if (scale.labelSelectorPath !== undefined && !scale.labelSelectorPath.startsWith('.status.')) {
      problems.push('scale: labelSelectorPath must start with .status.');
    }
  }
  if (problems.length > 0) {
    throw new CustomResourceDefinitionError(`custom resource ${o.kind || '(no kind)'}: ${problems.join('; ')}`);
  }
}

/**
 * A custom resource defined in TypeScript (see {@link defineCustomResource}).
 *
 * @example
 * const crd = widgets.manifest(); // create or apply it
 * const client = widgets.client(config, 'default'); // typed: CustomResourceOf<typeof widgets>
 */
export class CustomResource<
  G extends string,
  V extends string,
  K extends string,
  Spec extends AnySchema,
  Status extends AnySchema | undefined,
> {
  private readonly pools = new WeakMap<Config, RESTClientPool>();

  constructor(readonly options: CustomResourceOptions<G, V, K, Spec, Status>) {
    validate(options as CustomResourceOptions<string, string, string, AnySchema, AnySchema | undefined>);
  }

  /** `group/version`. */
  get apiVersion(): `${G}/${V}` {
    return `${this.options.group}/${this.options.version}`;
  }

  /** The kind. */
  get kind(): K {
    return this.options.kind;
  }

  /** The CRD's name: `plural.group`. */
  get name(): string {
    return `${this.options.plural}.${this.options.group}`;
  }

  /** Group, version and plural resource. */
  get gvr(): { group: G; version: V; resource: string } {
    return { group: this.options.group, version: this.options.version, resource: this.options.plural };
  }

  /**
   * The apiextensions.k8s.io/v1 CustomResourceDefinition: one served, stored version whose
   * structural schema requires `spec`.
   *
   * @example
   * await cs.apiextensionsV1.customResourceDefinitions.create(widgets.manifest());
   */
  manifest(): apiextensions_v1.CustomResourceDefinition {
    const o = this.options;
    const status = o.schema.status;
    const sub = o.subresources;
    const subresources: apiextensions_v1.CustomResourceSubresources = {
      ...(sub?.status ? { status: {} } : {}),
      ...(sub?.scale ? { scale: { ...sub.scale } } : {}),
    };
    const columns = (o.printerColumns ?? []).map((c) => ({ ...c }));
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: this.name },
      spec: {
        group: o.group,
        scope: o.scope ?? 'Namespaced',
        names: {
          kind: o.kind,
          listKind: `${o.kind}List`,
          plural: o.plural,
          singular: o.singular ?? o.kind.toLowerCase(),
          ...(o.shortNames ? { shortNames: [...o.shortNames] } : {}),
          ...(o.categories ? { categories: [...o.categories] } : {}),
        },
        versions: [
          {
            name: o.version,
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                ...(o.description ? { description: o.description } : {}),
                required: ['spec'],
                properties: { spec: o.schema.spec.schema, ...(status ? { status: status.schema } : {}) },
              },
            },
            ...(Object.keys(subresources).length > 0 ? { subresources } : {}),
            ...(columns.length > 0 ? { additionalPrinterColumns: columns } : {}),
          },
        ],
      },
    };
  }

  /**
   * A typed client for the resource (in `namespace`, '' for all or for a cluster-scoped one).
   * Clients made from the same config share one connection pool and rate limiter.
   *
   * @example
   * const w = await widgets.client(config, 'default').create({ metadata: { name: 'w' }, spec: { replicas: 1 } });
   */
  client(
    config: Config,
    namespace = '',
  ): TypedResourceClient<CustomResourceOf<this>, KubeList<CustomResourceOf<this>>> {
    let pool = this.pools.get(config);
    if (!pool) {
      pool = new RESTClientPool(config);
      this.pools.set(config, pool);
    }
    const o = this.options;
    return new TypedResourceClient(
      pool.forGroupVersion({ group: o.group, version: o.version }),
      { group: o.group, version: o.version, resource: o.plural, kind: o.kind, namespaced: o.scope !== 'Cluster' },
      namespace,
    );
  }
}

/**
 * The TypeScript type of the objects of a custom resource defined with {@link defineCustomResource}.
 *
 * @example
 * type Widget = CustomResourceOf<typeof widgets>;
 * const w: Widget = { metadata: { name: 'w' }, spec: { replicas: 1 } };
 */
export type CustomResourceOf<D> =
  D extends CustomResource<infer G, infer V, infer K, infer Spec, infer Status>
    ? {
        apiVersion?: `${G}/${V}`;
        kind?: K;
        metadata?: ObjectMeta;
        spec: Infer<Spec>;
      } & (Status extends AnySchema ? { status?: Infer<Status> } : unknown)
    : never;

/**
 * Defines a custom resource from a schema written in TypeScript: `.manifest()` is its CRD (to
 * create or apply), `CustomResourceOf<typeof def>` the type of its objects, `.client(config)` a
 * typed client. Throws a CustomResourceDefinitionError naming every problem of a definition that
 * cannot become a valid CRD.
 *
 * @example
 * const widgets = defineCustomResource({
 *   group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets',
 *   schema: { spec: object({ replicas: integer({ minimum: 0 }), image: optional(string()) }) },
 *   printerColumns: [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' }],
 * });
 * type Widget = CustomResourceOf<typeof widgets>; // spec: { replicas: number; image?: string }
 */
export function defineCustomResource<
  const G extends string,
  const V extends string,
  const K extends string,
  Spec extends AnySchema,
  Status extends AnySchema | undefined = undefined,
>(options: CustomResourceOptions<G, V, K, Spec, Status>): CustomResource<G, V, K, Spec, Status> {
  return new CustomResource(options);
}
