// Node's `require`, for loading a dependency on first use instead of at import time: the runtime
// dependencies are CommonJS and cost tens of milliseconds to load (yaml, undici), which a program
// that imports kube-client but reads no kubeconfig (or sends no request) should not pay. The
// package is compiled twice from one source: the CommonJS half has `require`; the ES module half
// has no synchronous import and may not write `import.meta` (the CommonJS compile refuses it), so
// it makes a `require` for this file's own location, which V8's call sites name. Callers write
// `typeof require === 'function' ? require('x') : nodeRequire('x')` with the literal name, so that
// bundlers (esbuild, for CommonJS output or ESM with a `require` banner) still see and bundle `x`.
// A namespace import, so a bundle's own `import { createRequire }` banner does not collide.
import * as nodeModule from 'node:module';

let cached: NodeJS.Require | undefined;
let ownRequireCached: NodeJS.Require | undefined;

/** The file (path or file: URL) this module was loaded from. */
function ownFile(): string {
  const previous = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_error, frames) => frames;
    const frames = new Error().stack as unknown as NodeJS.CallSite[];
    const file = frames[0]?.getFileName();
    if (!file) throw new Error('kube-client: cannot tell where node-require was loaded from');
    return file;
  } finally {
    Error.prepareStackTrace = previous;
  }
}

/**
 * Loads a CommonJS dependency synchronously, resolved from kube-client's own location.
 *
 * @example
 * const yaml = (typeof require === 'function' ? require('yaml') : nodeRequire('yaml')) as typeof import('yaml');
 */
export function nodeRequire(id: string): unknown {
  cached ??= typeof require === 'function' ? require : ownRequire();
  return cached(id);
}

/** A `require` resolving from this file's own location, made once (it reads a stack trace). */
function ownRequire(): NodeJS.Require {
  ownRequireCached ??= nodeModule.createRequire(ownFile());
  return ownRequireCached;
}

/**
 * Loads a dependency on first use: `direct` is the caller's literal `require('x')` (what bundlers
 * see and bundle), used where a `require` exists; `nodeRequire(id)` otherwise, and also when that
 * `require` is a bundler's stand-in that cannot load external packages (esbuild's ESM output with
 * `packages: 'external'` defines a `require` that throws "Dynamic require ... is not supported").
 *
 * @example
 * const yaml = loadDependency('yaml', () => require('yaml')) as typeof import('yaml');
 */
export function loadDependency(id: string, direct: () => unknown): unknown {
  if (typeof require !== 'function') return nodeRequire(id);
  try {
    return direct();
  } catch (err) {
    try {
      return ownRequire()(id);
    } catch {
      throw err;
    }
  }
}
