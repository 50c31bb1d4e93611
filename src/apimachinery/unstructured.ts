// Helpers for unstructured objects (plain JSON): nested field get/set/remove with client-go's
// (value, found, error) contract expressed as `{ value, found }` and typed errors on type mismatch.
// Unlike client-go, the typed getters take a null value as not found, and values are not copied.

/** A field had another type than asked for. */
export class UnstructuredTypeError extends Error {
  override readonly name = 'UnstructuredTypeError';
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** client-go's jsonPath: ".spec.replicas". */
const jsonPath = (fields: string[]) => `.${fields.join('.')}`;

/**
 * The value at `fields`, and whether it was there. A missing or null field on the way means not
 * found; a value on the way that is not an object (an array, a string...) throws
 * UnstructuredTypeError, as client-go's NestedFieldNoCopy errs. No array syntax ("items[0]").
 */
export function nestedField(obj: unknown, ...fields: string[]): { value: unknown; found: boolean } {
  let cur: unknown = obj;
  for (let i = 0; i < fields.length; i++) {
    if (cur === null || cur === undefined) return { value: undefined, found: false };
    if (!isMap(cur))
      throw new UnstructuredTypeError(
        `${jsonPath(fields.slice(0, i + 1))} accessor error: ${JSON.stringify(cur)?.slice(0, 60)} is of the type ${Array.isArray(cur) ? 'array' : typeof cur}, expected map[string]interface {}`,
      );
    const f = fields[i]!;
    if (!Object.hasOwn(cur, f)) return { value: undefined, found: false };
    cur = cur[f];
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
      `${jsonPath(fields)} accessor error: ${JSON.stringify(r.value)?.slice(0, 60)} is of the type ${typeof r.value}, expected ${what}`,
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
  typed<Record<string, unknown>>(obj, fields, isMap, 'map[string]interface {}');
/** A nested map of strings. */
export const nestedStringMap = (obj: unknown, ...fields: string[]) =>
  typed<Record<string, string>>(
    obj,
    fields,
    (v) => isMap(v) && Object.values(v).every((x) => typeof x === 'string'),
    'map[string]string',
  );

/**
 * Sets a nested field, creating objects on the way (refuses `__proto__`-like keys).
 *
 * @example
 * setNestedField(obj, 3, 'spec', 'replicas');
 */
export function setNestedField(obj: Record<string, unknown>, value: unknown, ...fields: string[]): void {
  // Checked before anything is created, so a refused path leaves obj as it was.
  if (fields.some((f) => f === '__proto__' || f === 'constructor' || f === 'prototype'))
    throw new UnstructuredTypeError(`refusing to set ${fields.join('.')}`);
  let cur = obj;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (i === fields.length - 1) {
      cur[f] = value;
      return;
    }
    const next = Object.hasOwn(cur, f) ? cur[f] : undefined;
    if (next === undefined || next === null) cur[f] = {};
    else if (!isMap(next))
      throw new UnstructuredTypeError(
        `value cannot be set because ${jsonPath(fields.slice(0, i + 1))} is not a map[string]interface {}`,
      );
    cur = cur[f] as Record<string, unknown>;
  }
}

/**
 * Removes a nested field if present; does nothing when a field on the way is missing or not an
 * object (client-go's RemoveNestedField).
 */
export function removeNestedField(obj: Record<string, unknown>, ...fields: string[]): void {
  if (fields.length === 0) return;
  let cur: unknown = obj;
  for (const f of fields.slice(0, -1)) {
    if (!isMap(cur) || !Object.hasOwn(cur, f)) return;
    cur = cur[f];
  }
  if (isMap(cur)) delete cur[fields[fields.length - 1]!];
}
