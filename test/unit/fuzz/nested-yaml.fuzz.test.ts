// Fuzzes the kubeconfig nesting bound with nested YAML: random chains of mappings and sequences
// (1 to 250 levels), rendered in block and flow style with keys and values full of quotes,
// brackets, colons and '#'. The depth scan never counts fewer levels than there are; a document
// within the bound parses as the YAML parser alone parses it, one past it is a KubeconfigError.
import fc from 'fast-check';
import { Document, isCollection, parse, visit } from 'yaml';
import { describe, expect, it } from 'vitest';
import { KubeconfigError, parseKubeconfig } from '../../../src/clientcmd/index.js';
import { MAX_YAML_DEPTH, yamlNestingDepth } from '../../../src/clientcmd/yaml-depth.js';
import { fuzzParams } from './support.js';

const tricky = fc.string({
  unit: fc.constantFrom('a', 'b', ' ', "'", '"', '[', ']', '{', '}', '#', ':', '-', ',', '?', '\\', '\n', 'é'),
  maxLength: 8,
});

/** A value nested `kinds.length` collections deep (plus the top-level mapping), with siblings. */
function build(kinds: Array<'map' | 'seq'>, keys: string[], leaves: string[]): unknown {
  let value: unknown = leaves[0] ?? 'leaf';
  for (let i = kinds.length - 1; i >= 0; i--) {
    const sibling = leaves[(i % Math.max(1, leaves.length - 1)) + 1] ?? 'x';
    const key = keys[i % Math.max(1, keys.length)] ?? 'k';
    value = kinds[i] === 'map' ? { [`${key}${i}`]: value, [`s${i}`]: sibling } : [sibling, value];
  }
  return value;
}

/** YAML text of `value`: block style down to `flowLevel` collections deep, flow style below. */
function render(value: unknown, flowLevel: number): string {
  const doc = new Document(value);
  visit(doc, {
    Collection(_key, node, path) {
      if (path.filter((p) => isCollection(p)).length >= flowLevel) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

describe('nested YAML against the kubeconfig depth bound', () => {
  it('the scan never under-counts, and the bound never changes what parses', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<'map' | 'seq'>('map', 'seq'), { minLength: 1, maxLength: 250 }),
        fc.array(tricky, { maxLength: 6 }),
        fc.array(tricky, { maxLength: 6 }),
        fc.integer({ min: 0, max: 260 }),
        (kinds, keys, leaves, flowLevel) => {
          const value = { preferences: build(kinds, keys, leaves) };
          const text = render(value, flowLevel);
          // The top-level mapping plus one level per collection.
          const depth = kinds.length + 1;
          const scanned = yamlNestingDepth(text, 10_000);
          expect(scanned).toBeGreaterThanOrEqual(depth);
          if (scanned <= MAX_YAML_DEPTH) {
            // Exactly what the YAML parser alone makes of it (the yaml package's own round trip
            // of odd strings is not under test here: when it writes text it cannot read back,
            // the loader must say so with a KubeconfigError).
            let plain: unknown;
            try {
              plain = parse(text);
            } catch {
              expect(() => parseKubeconfig(text, 'fuzz.yaml')).toThrow(KubeconfigError);
              return;
            }
            expect(parseKubeconfig(text, 'fuzz.yaml')).toEqual(plain);
          } else {
            let err: unknown;
            try {
              parseKubeconfig(text, 'fuzz.yaml');
            } catch (e) {
              err = e;
            }
            expect(err).toBeInstanceOf(KubeconfigError);
            expect((err as Error).message).toMatch(/nested deeper than/);
          }
        },
      ),
      fuzzParams(300),
    );
  });

  it('random bracket, dash and indentation soup ends in a result or a KubeconfigError', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom('[', ']', '{', '}', '- ', '? ', ': ', '\n', '  ', 'a', '"', "'", '#', ',', '&x ', '*x '),
          {
            maxLength: 400,
          },
        ),
        (parts) => {
          try {
            parseKubeconfig(parts.join(''), 'soup.yaml');
          } catch (e) {
            expect(e).toBeInstanceOf(KubeconfigError);
          }
        },
      ),
      fuzzParams(500),
    );
  });
});
