// The fast YAML path gives exactly what the yaml package gives, or hands the document back to it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { splitYamlDocuments } from '../../../src/codegen/index.js';
import { fastYamlValue } from '../../../src/codegen/fast-yaml.js';

describe('fastYamlValue', () => {
  it.each([
    ['block maps and sequences', 'a:\n  b: 1\n  c:\n    - x\n    - y: 2\n      z: [ ]\n'],
    [
      'scalars of the core schema',
      'a: ~\nb: null\nc: true\nd: False\ne: -12\nf: 0x1F\ng: 0o17\nh: 1.5e3\ni: .inf\nj: 2024-01-01\nk: "7"\nl: 1.\n',
    ],
    ['quoted scalars with escapes', 'a: "x\\ty \\u00e9"\nb: \'it\'\'s\'\nc: "a\n  b"\n'],
    ['block scalars', 'a: |\n  one\n  two\nb: >-\n  folded\n  text\nc: |+\n  kept\n\n'],
    ['multi-line plain scalars and comments', '# head\na: one\n  two # tail\nb: x # c\n'],
    ['empty values and collections', 'a:\nb: {}\nc: []\nd: { }\n'],
    ['sequences of sequences', '- - a\n  - b\n- c\n'],
    ['keys that are not strings', '1: a\ntrue: b\n"q": c\n'],
  ])('%s: the same value as yaml.parse', (_name, text) => {
    const fast = fastYamlValue(text);
    expect(fast).not.toBeUndefined();
    expect(fast).toEqual(parse(text));
  });

  it.each([
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['tags', 'a: !!str 1\n'],
    ['flow collections with content', 'a: [1, 2]\nb: {c: d}\n'],
    ['explicit keys', '? a\n: b\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['errors', 'a: [1, 2\n'],
    ['several documents', 'a: 1\n---\nb: 2\n'],
  ])('hands %s to the full parser', (_name, text) => {
    expect(fastYamlValue(text)).toBeUndefined();
  });

  it('reads every fixture document as yaml.parse does, and each of them in block style', () => {
    const files = readdirSync('test/fixtures', { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f));
    let documents = 0;
    for (const f of files) {
      for (const [chunk] of splitYamlDocuments(readFileSync(join('test/fixtures', f), 'utf8'))) {
        if (chunk.includes('{{')) continue;
        const full = parse(chunk);
        const v = fastYamlValue(chunk);
        if (v !== undefined) expect(v, f).toEqual(full);
        const block = stringify(full, { lineWidth: 0 }); // as kubectl and controller-gen write CRDs
        expect(fastYamlValue(block), f).toEqual(full);
        documents++;
      }
    }
    expect(documents).toBeGreaterThan(20);
  });

  it('agrees with yaml.parse on any JSON value written as block YAML', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = stringify(v);
        const fast = fastYamlValue(text);
        if (fast !== undefined) expect(fast).toEqual(parse(text));
      }),
      { numRuns: 300 },
    );
  });
});
