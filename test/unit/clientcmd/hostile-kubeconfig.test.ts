// Hostile kubeconfig files: nested a million levels deep, YAML warnings on secret lines, sections
// of the wrong shape, and tens of thousands of entries. Each ends in a KubeconfigError (never a
// V8 out-of-memory abort, never a printed source line) or loads in linear time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  KubeconfigError,
  type Kubeconfig,
  loadKubeConfig,
  mergeKubeconfigs,
  parseKubeconfig,
} from '../../../src/clientcmd/index.js';
import { MAX_YAML_DEPTH, yamlNestingDepth } from '../../../src/clientcmd/yaml-depth.js';

const dir = mkdtempSync(join(tmpdir(), 'hostile-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function loadError(path: string): KubeconfigError {
  try {
    loadKubeConfig({ path });
  } catch (err) {
    expect(err).toBeInstanceOf(KubeconfigError);
    return err as KubeconfigError;
  }
  throw new Error('expected a KubeconfigError');
}

const valid = (user: string) => `
apiVersion: v1
kind: Config
current-context: x
clusters:
- name: c
  cluster: { server: https://127.0.0.1:6443 }
contexts:
- name: x
  context: { cluster: c, user: u }
users:
- name: u
${user}
`;

describe('nesting depth scan', () => {
  it.each<[string, number]>([
    ['a: 1', 1],
    ['a:\n  b: [1, [2]]\n', 4],
    ['- - - x', 4],
    ["name: it's\nb:\n  c: 1", 2],
    ['p: a[0]\nq:\n  r: 1', 2],
    ['a: "x [ { y"\nb: 1', 1],
    ["a: 'it''s [ '\nb: 1", 1],
    ['a: {b: {c: [d]}}', 4],
    ['a: # [ [ [\n  b: 1', 2],
    ['', 0],
  ])('%j is %i deep', (text, depth) => {
    expect(yamlNestingDepth(text)).toBe(depth);
  });

  it('a real kubeconfig is shallow', () => {
    expect(yamlNestingDepth(valid('  user:\n    exec:\n      env:\n      - name: A\n        value: B'))).toBeLessThan(
      10,
    );
  });
});

describe('hostile kubeconfig files', () => {
  it.each<[string, () => string]>([
    ['two million open brackets', () => `clusters: ${'['.repeat(2_000_000)}`],
    ['a million balanced braces', () => `users: ${'{a: '.repeat(1_000_000)}1${'}'.repeat(1_000_000)}`],
    ['a hundred thousand nested sequence entries', () => `${'- '.repeat(100_000)}x`],
    [
      'block mappings nested past the limit',
      () => Array.from({ length: 150 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'),
    ],
    ['brackets hidden after a quote the scan may misread', () => `a: x"\nb: ${'['.repeat(50_000)}`],
    [
      'entry markers hidden after a plain scalar line that starts with a quote',
      () => `a: x\n  'b\n${'- '.repeat(200_000)}x`,
    ],
  ])('%s: a KubeconfigError, quickly', (_name, text) => {
    const started = Date.now();
    const err = loadError(file('deep.yaml', text()));
    expect(err.message).toMatch(/nested deeper than|not valid YAML|cannot be read/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it(`nesting up to ${MAX_YAML_DEPTH} levels still parses`, () => {
    const text = `preferences: ${'['.repeat(MAX_YAML_DEPTH - 2)}${']'.repeat(MAX_YAML_DEPTH - 2)}`;
    expect(() => parseKubeconfig(text, 'k')).not.toThrow();
  });

  it('YAML warnings (an unknown tag on a token line) are never printed', () => {
    const printed: string[] = [];
    vi.spyOn(process, 'emitWarning').mockImplementation(((w: string | Error) => {
      printed.push(String(w));
    }) as typeof process.emitWarning);
    vi.spyOn(process.stderr, 'write').mockImplementation(((c: string) => {
      printed.push(String(c));
      return true;
    }) as typeof process.stderr.write);
    vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => {
      printed.push(a.join(' '));
    });
    const { config } = loadKubeConfig({ path: file('tag.yaml', valid('  user:\n    token: !vault tagged-secret-77')) });
    expect(config.bearerToken).toBe('tagged-secret-77');
    expect(printed.join('\n')).not.toContain('tagged-secret-77');
  });

  it('a YAML error names the position, never the source line', () => {
    const err = loadError(file('bad.yaml', valid('  user:\n    token: err-secret-42\n  bad: [\n')));
    expect(err.message).toMatch(/not valid YAML at line \d+, column \d+/);
    expect(`${err.message}${err.stack}`).not.toContain('err-secret-42');
  });

  it.each([
    ['a user given as a list', valid('  user:\n  - token: list-secret')],
    ['a user given as a list of mappings with the flow style', valid('  user: [{ token: list-secret }]')],
    [
      'a cluster given as a list',
      valid('  user: {}').replace('cluster: { server: https://127.0.0.1:6443 }', 'cluster: [a]'),
    ],
    ['a context given as a list', valid('  user: {}').replace('context: { cluster: c, user: u }', 'context: [c, u]')],
    ['an entry that is a list', `${valid('  user: {}')}\n`.replace('- name: u\n', '- [u]\n')],
  ])('%s is a KubeconfigError', (_name, text) => {
    const err = loadError(file('shape.yaml', text));
    expect(`${err.message}`).not.toContain('list-secret');
  });

  it('too many aliases (a billion laughs) is a KubeconfigError', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 9; i++)
      lines.push(
        `${'b'.repeat(i + 1)}: &${'b'.repeat(i + 1)} [${Array(9)
          .fill(`*${i === 0 ? 'a' : 'b'.repeat(i)}`)
          .join(',')}]`,
      );
    const err = loadError(file('laughs.yaml', lines.join('\n')));
    expect(err.message).toMatch(/cannot be read as YAML|not valid YAML/);
  });

  it('merging a kubeconfig of 60,000 clusters with itself is linear (it was quadratic: minutes)', () => {
    const many: Kubeconfig = {
      clusters: Array.from({ length: 60_000 }, (_, i) => ({ name: `c${i}`, cluster: { server: 'https://x' } })),
      users: [{ name: 'u', user: { token: 't' } }],
    };
    const started = Date.now();
    const merged = mergeKubeconfigs([many, many]);
    expect(merged.clusters).toHaveLength(60_000);
    // Linear: well under a second on an idle machine; the bound leaves room for a loaded one.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
