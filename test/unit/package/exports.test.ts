// The published shape of the package: every subpath export resolves, from ESM and from CommonJS,
// to the same public names, with type declarations next to each entry. Needs `npm run build`.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

interface Conditions {
  import: { types: string; default: string };
  require: { types: string; default: string };
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, Conditions | string> };
const subpaths = Object.entries(pkg.exports).filter((e): e is [string, Conditions] => typeof e[1] !== 'string');
const requireFromHere = createRequire(`${process.cwd()}/package.json`);

describe('package exports', () => {
  it('is built (run "npm run build" first; npm test does)', () => {
    expect(existsSync('dist/esm/index.js') && existsSync('dist/cjs/index.js')).toBe(true);
  });

  it.each(subpaths)('%s loads from ESM and CommonJS with the same names', async (_subpath, conditions) => {
    for (const file of [
      conditions.import.default,
      conditions.import.types,
      conditions.require.default,
      conditions.require.types,
    ]) {
      expect(existsSync(file), file).toBe(true);
    }
    const esm = (await import(`${process.cwd()}/${conditions.import.default}`)) as Record<string, unknown>;
    const cjs = requireFromHere(`./${conditions.require.default}`) as Record<string, unknown>;
    const names = (m: Record<string, unknown>) =>
      Object.keys(m)
        .filter((k) => k !== 'default' && k !== '__esModule')
        .sort();
    expect(names(cjs)).toEqual(names(esm));
  });

  it('marks the CommonJS half as CommonJS', () => {
    expect(JSON.parse(readFileSync('dist/cjs/package.json', 'utf8'))).toEqual({ type: 'commonjs' });
  });
});
