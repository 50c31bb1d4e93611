// nodeRequire loads a CommonJS dependency synchronously from the package's own location (yaml and
// undici are loaded on first use with it, not at import time).
import { describe, expect, it } from 'vitest';
import { loadDependency, nodeRequire } from '../../../src/util/platform/node-require.js';

describe('nodeRequire', () => {
  it('loads a runtime dependency synchronously and returns the same module each time', () => {
    const yaml = nodeRequire('yaml') as typeof import('yaml');
    expect(yaml.parse('a: 1')).toEqual({ a: 1 });
    expect(nodeRequire('yaml')).toBe(yaml);
  });

  it('throws the usual MODULE_NOT_FOUND for a package that is not installed', () => {
    expect(() => nodeRequire('kube-client-no-such-package')).toThrow(/Cannot find module/);
  });
});

describe('loadDependency', () => {
  it("falls back to the package's own require when a bundler's require stand-in throws", () => {
    // esbuild's ESM output with packages external: `require` exists but cannot load packages.
    const standIn = () => {
      throw new Error('Dynamic require of "yaml" is not supported');
    };
    const yaml = loadDependency('yaml', standIn) as typeof import('yaml');
    expect(yaml.parse('b: 2')).toEqual({ b: 2 });
  });

  it('keeps the original error when the package cannot be loaded either way', () => {
    const standIn = () => {
      throw new Error('stand-in failed');
    };
    expect(() => loadDependency('kube-client-no-such-package', standIn)).toThrow(/stand-in failed|Cannot find module/);
  });
});
