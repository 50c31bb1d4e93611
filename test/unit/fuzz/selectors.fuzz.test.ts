// Fuzzes label selectors (parseSelector) and field selectors (parseFieldSelector) with arbitrary strings
// and strings built from the grammar's tokens: parse succeeds or throws the typed parse error, the
// canonical string re-parses to the same selector, matching never throws, and field escaping round-trips.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  escapeFieldValue,
  FieldSelectorParseError,
  oneTermEqualSelector,
  parseFieldSelector,
} from '../../../src/apimachinery/fields.js';
import { LabelSelectorParseError, parseSelector } from '../../../src/apimachinery/labels.js';
import {
  expectNoPollution,
  fuzzParams,
  objectFromEntries,
  PROTOTYPE_KEYS,
  prototypeSnapshot,
  succeedsOrThrowsTyped,
  textAndTokens,
} from './support.js';

const LABEL_TOKENS = [
  '=',
  '==',
  '!=',
  'in',
  'notin',
  '(',
  ')',
  ',',
  '!',
  ' ',
  '  ',
  '\t',
  '\n',
  '<',
  '>',
  '-',
  '/',
  '.',
  '_',
  'a',
  'x',
  'app',
  'env',
  'prod',
  'example.com/app',
  'a.b-c_d',
  '-bad',
  'bad-',
  'a/',
  '/a',
  'a/b/c',
  'A',
  '0',
  '5',
  '-5',
  '007',
  'x'.repeat(63),
  'x'.repeat(64),
  '__proto__',
  'constructor',
  'é',
];

const labelSelectorText = textAndTokens(LABEL_TOKENS, { maxLength: 30, maxTokens: 16, separators: ['', ' '] });

const labelKey = fc.oneof(fc.constantFrom('a', 'x', 'app', 'env', 'example.com/app', ...PROTOTYPE_KEYS), fc.string());
const labelValue = fc.oneof(fc.constantFrom('', 'a', 'prod', '5', '-5', '007', '1e3'), fc.string({ maxLength: 6 }));
/** Label maps, with prototype keys as own keys. */
const labels = fc
  .array(fc.tuple(labelKey, labelValue), { maxLength: 6 })
  .map((e) => objectFromEntries(e) as Record<string, string>);

const FIELD_TOKENS = [
  '=',
  '==',
  '!=',
  '!',
  ',',
  '\\',
  '\\,',
  '\\=',
  '\\\\',
  ' ',
  '\n',
  'metadata.name',
  'status.phase',
  'spec.nodeName',
  'a',
  'Running',
  'x=y',
  'é',
  '__proto__',
];

const fieldSelectorText = textAndTokens(FIELD_TOKENS, { maxLength: 30, maxTokens: 14 });
const fields = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom('metadata.name', 'a', ...PROTOTYPE_KEYS), fc.string()), fc.string()), {
    maxLength: 5,
  })
  .map((e) => objectFromEntries(e) as Record<string, string>);

describe('selectors under bad input', () => {
  const before = prototypeSnapshot();
  afterAll(() => expectNoPollution(before));

  it('label selectors: typed error or a canonical form that re-parses to the same selector', () => {
    fc.assert(
      fc.property(labelSelectorText, fc.array(labels, { maxLength: 3 }), (s, maps) => {
        const r = succeedsOrThrowsTyped(() => parseSelector(s), [LabelSelectorParseError]);
        if (!r.ok) {
          const e = r.error as LabelSelectorParseError;
          expect(e.position).toBeGreaterThanOrEqual(0);
          expect(e.position).toBeLessThanOrEqual(s.length);
          return;
        }
        const canonical = r.value.toString();
        const again = parseSelector(canonical);
        expect(again.toString()).toBe(canonical);
        expect(again.requirements()).toEqual(r.value.requirements());
        expect(again.empty()).toBe(r.value.empty());
        for (const m of [...maps, {}, undefined]) expect(again.matches(m)).toBe(r.value.matches(m));
        expectNoPollution(before);
      }),
      fuzzParams(2000),
    );
  });

  it('field selectors: typed error or a canonical form that re-parses to the same selector', () => {
    fc.assert(
      fc.property(fieldSelectorText, fc.array(fields, { maxLength: 3 }), (s, maps) => {
        const r = succeedsOrThrowsTyped(() => parseFieldSelector(s), [FieldSelectorParseError]);
        if (!r.ok) return;
        const canonical = r.value.toString();
        const again = parseFieldSelector(canonical);
        expect(again.toString()).toBe(canonical);
        expect(again.requirements()).toEqual(r.value.requirements());
        for (const m of [...maps, {}]) expect(again.matches(m)).toBe(r.value.matches(m));
        expectNoPollution(before);
      }),
      fuzzParams(2000),
    );
  });

  // Line breaks in values did not parse back; a blank field parsed but its canonical form ('=x') did not.
  it('regression: values with line breaks round-trip and blank fields are rejected', () => {
    for (const value of ['\n', 'a\r\nb', '\u2028']) {
      expect(parseFieldSelector(oneTermEqualSelector('metadata.name', value).toString()).requirements()).toEqual([
        { field: 'metadata.name', operator: '=', value },
      ]);
    }
    for (const s of ['\n=', ' =x', 'a=b, !=c']) expect(() => parseFieldSelector(s)).toThrow(FieldSelectorParseError);
  });

  it('field values escape and unescape to themselves', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('metadata.name', 'spec.nodeName', 'a'),
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.string({ unit: fc.constantFrom('\\', ',', '=', '!', 'a') }),
        ),
        fc.constantFrom('=', '==', '!=') as fc.Arbitrary<'=' | '==' | '!='>,
        (field, value, op) => {
          expect(parseFieldSelector(oneTermEqualSelector(field, value).toString()).requirements()).toEqual([
            { field, operator: '=', value },
          ]);
          const sel = parseFieldSelector(`${field}${op}${escapeFieldValue(value)},b=${escapeFieldValue(value)}`);
          expect(sel.requirements()).toEqual([
            { field, operator: op, value },
            { field: 'b', operator: '=', value },
          ]);
        },
      ),
      fuzzParams(2000),
    );
  });
});
