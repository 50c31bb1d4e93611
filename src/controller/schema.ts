// Schema builders for custom resources written in TypeScript: each builder gives the OpenAPI v3
// structural schema the apiserver validates with AND, as a phantom type, the TypeScript type of
// the values it accepts, so one object is the single source of truth for both (as kube-rs derives
// both from one Rust struct). `Infer<typeof s>` reads the type back out.
import type { apiextensions_v1 } from '../kubernetes/index.js';

/** An OpenAPI v3 schema as CustomResourceDefinitions write it. */
export type JSONSchemaProps = apiextensions_v1.JSONSchemaProps;

declare const VALUE: unique symbol;

/**
 * A schema node: its OpenAPI v3 schema, whether its property is optional in its object, and (as a
 * type only) the TypeScript type of the values it accepts.
 *
 * @example
 * const replicas: Schema<number> = integer({ minimum: 0 });
 * replicas.schema; // { type: 'integer', minimum: 0 }
 */
export interface Schema<T, Optional extends boolean = false> {
  /** The OpenAPI v3 schema of this node. */
  readonly schema: JSONSchemaProps;
  /** True when the property may be left out of its object (see {@link optional}). */
  readonly optional: Optional;
  /** Never set: carries the TypeScript type of the values the schema accepts. */
  readonly [VALUE]?: T;
}

/** Any schema node. */
export type AnySchema = Schema<unknown, boolean>;

/**
 * The TypeScript type of the values a schema node accepts.
 *
 * @example
 * const spec = object({ replicas: integer(), image: optional(string()) });
 * type Spec = Infer<typeof spec>; // { replicas: number; image?: string }
 */
export type Infer<S> = S extends Schema<infer T, boolean> ? T : never;

/** The properties of an object schema. */
export type Properties = Record<string, AnySchema>;

/**
 * Flattens an intersection into one object type, so inferred resource types read as plain objects in
 * editors.
 *
 * @example
 * type AB = Simplify<{ a: 1 } & { b: 2 }>; // { a: 1; b: 2 }
 */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The type of an object with the given properties: optional ones with `?`, the others required. */
export type InferObject<P extends Properties> = Simplify<
  { -readonly [K in keyof P as P[K] extends Schema<unknown, true> ? never : K]: Infer<P[K]> } & {
    -readonly [K in keyof P as P[K] extends Schema<unknown, true> ? K : never]?: Infer<P[K]>;
  }
>;

/** Options every schema node takes. */
export interface CommonOptions {
  /** Shown by `kubectl explain`. */
  description?: string;
}

/** Options of {@link string}. */
export interface StringOptions<E extends readonly string[]> extends CommonOptions {
  /** The only values allowed: the type becomes their union. */
  enum?: E;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  /** `date-time`, `byte`, `uri`... (as OpenAPI v3). */
  format?: string;
  default?: E[number] | (E extends readonly [] ? string : never);
}

/** Options of {@link integer} and {@link number}. */
export interface NumberOptions extends CommonOptions {
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  /** `int32` or `int64` for integers, `float` or `double` for numbers. */
  format?: string;
  default?: number;
}

/** Options of {@link array}. */
export interface ArrayOptions extends CommonOptions {
  minItems?: number;
  maxItems?: number;
  /** How server-side apply merges the list: `atomic` (default), `set` or `map` (with listMapKeys). */
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
}

/** Options of {@link object} and {@link map}. */
export interface ObjectOptions extends CommonOptions {
  minProperties?: number;
  maxProperties?: number;
}

/** A schema error found while building: a typed error naming the problem. */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}

function node<T>(schema: JSONSchemaProps): Schema<T> {
  return { schema, optional: false };
}

/** Copies the defined options into a schema (undefined ones are left out, so the manifest stays clean). */
function withOptions(schema: JSONSchemaProps, options: object, rename: Record<string, string> = {}): JSONSchemaProps {
  const out: Record<string, unknown> = { ...schema };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) out[rename[k] ?? k] = v;
  return out as JSONSchemaProps;
}

function checkRange(what: string, min: number | undefined, max: number | undefined): void {
  if (min !== undefined && max !== undefined && min > max) {
    throw new SchemaError(`${what}: the minimum (${min}) is above the maximum (${max})`);
  }
}

/**
 * A string; with `enum`, one of the given values (and typed as their union).
 *
 * @example
 * const mode = string({ enum: ['Fast', 'Slow'] }); // Schema<'Fast' | 'Slow'>
 * const image = string({ minLength: 1 }); // Schema<string>
 */
export function string<const E extends readonly string[] = readonly []>(
  options: StringOptions<E> = {},
): Schema<E extends readonly [] ? string : E[number]> {
  checkRange('string length', options.minLength, options.maxLength);
  if (options.enum && options.enum.length === 0) throw new SchemaError('string: an enum needs at least one value');
  const opts = { ...options, ...(options.enum ? { enum: [...options.enum] } : {}) };
  return node(withOptions({ type: 'string' }, opts));
}

/**
 * An integer (a JSON number without a fraction; the apiserver refuses 1.5).
 *
 * @example
 * const replicas = integer({ minimum: 0, maximum: 100, default: 1 });
 */
export function integer(options: NumberOptions = {}): Schema<number> {
  checkRange('integer', options.minimum, options.maximum);
  return node(withOptions({ type: 'integer' }, options));
}

/**
 * Any JSON number.
 *
 * @example
 * const ratio = number({ minimum: 0, maximum: 1 });
 */
export function number(options: NumberOptions = {}): Schema<number> {
  checkRange('number', options.minimum, options.maximum);
  return node(withOptions({ type: 'number' }, options));
}

/**
 * A boolean.
 *
 * @example
 * const paused = optional(boolean({ default: false }));
 */
export function boolean(options: CommonOptions & { default?: boolean } = {}): Schema<boolean> {
  return node(withOptions({ type: 'boolean' }, options));
}

/**
 * An array of `items`.
 *
 * @example
 * const ports = array(integer({ minimum: 1, maximum: 65535 }), { maxItems: 8, listType: 'set' });
 */
export function array<S extends AnySchema>(items: S, options: ArrayOptions = {}): Schema<Array<Infer<S>>> {
  checkRange('array items', options.minItems, options.maxItems);
  if (options.listMapKeys && options.listType !== 'map') {
    throw new SchemaError('array: listMapKeys needs listType "map"');
  }
  return node(
    withOptions({ type: 'array', items: items.schema }, options, {
      listType: 'x-kubernetes-list-type',
      listMapKeys: 'x-kubernetes-list-map-keys',
    }),
  );
}

/**
 * An object with the given properties; each is required unless wrapped in {@link optional}. Fields
 * not listed are dropped by the apiserver (structural pruning).
 *
 * @example
 * const spec = object({ replicas: integer({ minimum: 0 }), image: optional(string()) });
 * // Infer<typeof spec>: { replicas: number; image?: string }
 */
export function object<P extends Properties>(properties: P, options: ObjectOptions = {}): Schema<InferObject<P>> {
  checkRange('object properties', options.minProperties, options.maxProperties);
  const required = Object.keys(properties).filter((k) => !properties[k]!.optional);
  const props: Record<string, JSONSchemaProps> = {};
  for (const [k, v] of Object.entries(properties)) props[k] = v.schema;
  return node(
    withOptions({ type: 'object', properties: props, ...(required.length > 0 ? { required } : {}) }, options),
  );
}

/**
 * An object with any keys whose values all follow `values` (a Go map).
 *
 * @example
 * const labels = map(string()); // Schema<Record<string, string>>
 */
export function map<S extends AnySchema>(values: S, options: ObjectOptions = {}): Schema<Record<string, Infer<S>>> {
  return node(withOptions({ type: 'object', additionalProperties: values.schema }, options));
}

/**
 * An integer or a string (as `maxUnavailable: 1` or `"25%"`).
 *
 * @example
 * const maxUnavailable = optional(intOrString());
 */
export function intOrString(options: CommonOptions = {}): Schema<number | string> {
  return node(withOptions({ 'x-kubernetes-int-or-string': true }, options));
}

/**
 * An object whose fields the apiserver keeps as they are, unvalidated and unpruned.
 *
 * @example
 * const config = optional(preserveUnknownFields({ description: 'Passed to the workload as is.' }));
 */
export function preserveUnknownFields(options: CommonOptions = {}): Schema<{ [key: string]: unknown }> {
  return node(withOptions({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, options));
}

/**
 * The same schema, as a property its object may leave out (`?` in the type, not in `required`).
 *
 * @example
 * object({ image: optional(string()) }); // { image?: string }
 */
export function optional<T>(s: Schema<T, boolean>): Schema<T, true> {
  return { schema: s.schema, optional: true };
}

/**
 * The same schema, also accepting `null` (OpenAPI's `nullable`).
 *
 * @example
 * object({ phase: optional(nullable(string())) }); // { phase?: string | null }
 */
export function nullable<T, O extends boolean>(s: Schema<T, O>): Schema<T | null, O> {
  return { schema: { ...s.schema, nullable: true }, optional: s.optional };
}
