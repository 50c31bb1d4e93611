// Where generated files import kube-client from: the package (`kube-client/rest`, ...) or, for
// code generated inside this repository, a relative path to its `src` folder.
import type { RuntimeImports } from './emit-clients.js';

/**
 * The import specifiers for a file `pathToRoot` below the output folder: `base` is the package name
 * or a relative path from the output folder to kube-client's `src`; with `builtinTypes`, also where
 * the built-in API types come from (CRD output imports them instead of generating them).
 *
 * @example
 * runtimeFor('kube-client', '../').rest; // 'kube-client/rest'
 * runtimeFor('../../src', '../').rest; // '../../../src/rest/index.js'
 */
export function runtimeFor(base: string, pathToRoot: string, builtinTypes = false): RuntimeImports {
  if (base.startsWith('.')) {
    const root = `${pathToRoot}${base}`;
    return {
      kubernetes: `${root}/client/index.js`,
      rest: `${root}/rest/index.js`,
      apimachinery: `${root}/apimachinery/index.js`,
      ...(builtinTypes ? { kubernetesTypes: `${root}/kubernetes/index.js` } : {}),
    };
  }
  return {
    kubernetes: `${base}/kubernetes`,
    rest: `${base}/rest`,
    apimachinery: `${base}/apimachinery`,
    ...(builtinTypes ? { kubernetesTypes: `${base}/kubernetes` } : {}),
  };
}
