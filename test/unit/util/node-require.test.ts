// nodeRequire loads a CommonJS dependency synchronously from the package's own location (yaml and
// undici are loaded on first use with it, not at import time).
import { describe, expect, it } from 'vitest';
import { nodeRequire } from '../../../src/util/node-require.js';

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
