// Apply configurations for server-side apply: the fields a manager wants to own, as a deep-partial
// of the object with its identity (apiVersion, kind, name) required.

/** Every field optional, recursively. */
export type DeepPartial<T> =
  T extends Array<infer U> ? Array<DeepPartial<U>> : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/**
 * What `apply()` sends: identity plus only the fields this field manager owns.
 *
 * @example
 * const cfg: ApplyConfiguration<ConfigMap> = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: '1' } };
 */
export type ApplyConfiguration<T> = DeepPartial<T> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string } & DeepPartial<
    NonNullable<T extends { metadata?: infer M } ? M : never>
  >;
};
