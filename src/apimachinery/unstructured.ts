// Helpers for unstructured objects (plain JSON): nested field get/set/remove with client-go's
// (value, found, error) contract expressed as `{ value, found }` and typed errors on type mismatch.

/** A field had another type than asked for. */
export class UnstructuredTypeError extends Error {
  override readonly name = 'UnstructuredTypeError';
}

/** The value at `fields`, and whether it was there. */
export function nestedField(obj: unknown, ...fields: string[]): { value: unknown; found: boolean } {
  let cur: unknown = obj;
  for (const f of fields) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, f))
      return { value: undefined, found: false };
    cur = (cur as Record<string, unknown>)[f];
  }
  return { value: cur, found: true };
}

function typed<T>(
  obj: unknown,
  fields: string[],
  check: (v: unknown) => boolean,
  what: string,
): { value: T | undefined; found: boolean } {
  const r = nestedField(obj, ...fields);
  if (!r.found || r.value === null) return { value: undefined, found: false };
  if (!check(r.value))
    throw new UnstructuredTypeError(
      `${fields.join('.')} accessor error: ${JSON.stringify(r.value)?.slice(0, 60)} is of the type ${typeof r.value}, expected ${what}`,
    );
  return { value: r.value as T, found: true };
}

/**
 * A nested string.
 *
 * @example
 * nestedString(obj, 'spec', 'deploymentName'); // { value: 'web', found: true }
 */
export const nestedString = (obj: unknown, ...fields: string[]) =>
  typed<string>(obj, fields, (v) => typeof v === 'string', 'string');
/** A nested integer. */
export const nestedInt64 = (obj: unknown, ...fields: string[]) =>
  typed<number>(obj, fields, (v) => Number.isInteger(v), 'int64');
/** A nested boolean. */
export const nestedBool = (obj: unknown, ...fields: string[]) =>
  typed<boolean>(obj, fields, (v) => typeof v === 'boolean', 'bool');
/** A nested array. */
export const nestedSlice = (obj: unknown, ...fields: string[]) =>
  typed<unknown[]>(obj, fields, Array.isArray, '[]interface {}');
/** A nested object. */
export const nestedMap = (obj: unknown, ...fields: string[]) =>
  typed<Record<string, unknown>>(
    obj,
    fields,
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    'map[string]interface {}',
  );
/** A nested map of strings. */
export const nestedStringMap = (obj: unknown, ...fields: string[]) =>
  typed<Record<string, string>>(
    obj,
    fields,
    (v) =>
      typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string'),
    'map[string]string',
  );

/**
 * Sets a nested field, creating objects on the way (refuses `__proto__`-like keys).
 *
 * @example
 * setNestedField(obj, 3, 'spec', 'replicas');
 */
export function setNestedField(obj: Record<string, unknown>, value: unknown, ...fields: string[]): void {
  let cur = obj;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f === '__proto__' || f === 'constructor' || f === 'prototype')
      throw new UnstructuredTypeError(`refusing to set ${fields.join('.')}`);
    if (i === fields.length - 1) {
      cur[f] = value;
      return;
    }
    const next = cur[f];
    if (next === undefined || next === null) cur[f] = {};
    else if (typeof next !== 'object' || Array.isArray(next))
      throw new UnstructuredTypeError(`value cannot be set because ${fields.slice(0, i + 1).join('.')} is not a map`);
    cur = cur[f] as Record<string, unknown>;
  }
}

/** Removes a nested field if present. */
export function removeNestedField(obj: Record<string, unknown>, ...fields: string[]): void {
  const parent = nestedField(obj, ...fields.slice(0, -1));
  if (parent.found && parent.value && typeof parent.value === 'object')
    delete (parent.value as Record<string, unknown>)[fields[fields.length - 1]!];
}
