// Shared helpers of the bad-input fuzz suite: fast-check parameters (FUZZ_SEED pins the seed),
// prototype-pollution snapshots, typed-error assertions and a timeout for async runs.
import fc from 'fast-check';
import { expect } from 'vitest';

/** fast-check parameters: `numRuns` runs, seeded from $FUZZ_SEED when set (the seed is printed on failure). */
export function fuzzParams<T>(numRuns: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
  return { numRuns, ...(seed !== undefined && Number.isFinite(seed) ? { seed } : {}), ...extra };
}

/** The own property names of Object.prototype, to compare before and after a suite. */
export function prototypeSnapshot(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

/** Fails when Object.prototype gained keys or `({}).polluted` became visible. */
export function expectNoPollution(before: string[]): void {
  expect(prototypeSnapshot()).toEqual(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
}

/**
 * Runs `fn`; it must return or throw an instance of one of `allowed` (a TypeError, RangeError or
 * any other error type means the input reached code that did not expect it).
 */
export function succeedsOrThrowsTyped<T>(
  fn: () => T,
  allowed: ReadonlyArray<abstract new (...args: never[]) => Error>,
): { ok: true; value: T } | { ok: false; error: Error } {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (!allowed.some((cls) => err instanceof cls)) {
      const name = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new Error(`untyped error ${name}`, { cause: err });
    }
    return { ok: false, error: err as Error };
  }
}

/** Rejects when `p` takes longer than `ms` (a decoder that never ends fails instead of hanging the run). */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Parser input: arbitrary text, arbitrary bytes as text, and runs of the grammar's `tokens` joined
 * by each of `separators`.
 */
export function textAndTokens(
  tokens: string[],
  { maxLength, maxTokens, separators = [''] }: { maxLength: number; maxTokens: number; separators?: string[] },
): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    ...separators.map((sep) => fc.array(fc.constantFrom(...tokens), { maxLength: maxTokens }).map((t) => t.join(sep))),
  );
}

/** Keys that have special meaning on plain objects. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];

/** Object keys biased towards prototype keys. */
export const nastyKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS, 'polluted') },
  { weight: 3, arbitrary: fc.string({ maxLength: 8 }) },
);

/** Builds an object from entries with CreateDataProperty semantics (an own `__proto__` key stays a key). */
export function objectFromEntries(entries: Array<[string, unknown]>): Record<string, unknown> {
  return Object.fromEntries(entries);
}

/** JSON-like values whose object keys include `__proto__`, `constructor` and friends. */
export const nastyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 12 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .array(fc.tuple(nastyKey, tie('value')), { maxLength: 4 })
      .map((entries) => objectFromEntries(entries as Array<[string, unknown]>)),
  ),
})).value;
