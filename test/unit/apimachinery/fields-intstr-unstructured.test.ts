// Field selectors (with escaping), IntOrString scaling and unstructured nested-field helpers.
import { describe, expect, it } from 'vitest';
import {
  FieldSelectorParseError,
  getScaledValueFromIntOrPercent,
  nestedBool,
  nestedField,
  nestedInt64,
  nestedString,
  nestedStringMap,
  oneTermEqualSelector,
  parseFieldSelector,
  removeNestedField,
  setNestedField,
  UnstructuredTypeError,
} from '../../../src/apimachinery/index.js';

describe('field selectors', () => {
  it.each([
    ['metadata.name=web', { 'metadata.name': 'web' }, true],
    ['metadata.name==web,status.phase!=Failed', { 'metadata.name': 'web', 'status.phase': 'Running' }, true],
    ['status.phase!=Failed', { 'status.phase': 'Failed' }, false],
    ['a=x\\,y', { a: 'x,y' }, true],
    ['a=x\\=y', { a: 'x=y' }, true],
    ['a=x\\\\', { a: 'x\\' }, true],
    ['', {}, true],
    // A missing field reads as '' (Go's fields.Set.Get).
    ['a=', {}, true],
    ['a!=', {}, false],
    ['a!=x', {}, true],
    ['a=x', {}, false],
    ['a=b,,c!=d', { a: 'b', c: 'e' }, true],
    ['metadata.name=x y', { 'metadata.name': 'x y' }, true],
  ])('%j matches %j: %s', (sel, fields, expected) => expect(parseFieldSelector(sel).matches(fields)).toBe(expected));

  // What the server accepts for a ConfigMap list (fields metadata.name and metadata.namespace).
  it.each([
    ['', []],
    [',', []],
    // A term with neither field nor value selects everything on the server (the random
    // differential suite found `=`).
    ['=', []],
    ['==', []],
    ['!=', []],
    ['=,metadata.name=a', [['metadata.name', '=', 'a']]],
    [',,', []],
    ['a=b,', [['a', '=', 'b']]],
    [',a=b', [['a', '=', 'b']]],
    [
      'a=b,,c!=d',
      [
        ['a', '=', 'b'],
        ['c', '!=', 'd'],
      ],
    ],
    ['a==b', [['a', '==', 'b']]],
    ['a!=', [['a', '!=', '']]],
    ['a=', [['a', '=', '']]],
    ['a!b=c', [['a!b', '=', 'c']]],
    ['a\\,b=c', [['a\\,b', '=', 'c']]],
    ['a=\\,\\=\\\\', [['a', '=', ',=\\']]],
    ['a=x y ', [['a', '=', 'x y ']]],
  ])('%j has the terms %j', (sel, terms) =>
    expect(parseFieldSelector(sel).requirements()).toEqual(
      terms.map(([field, operator, value]) => ({ field, operator, value })),
    ),
  );

  it.each([
    [' ', "can't understand"],
    ['   ', "can't understand"],
    ['nooperator', "can't understand"],
    ['a=b,c', "can't understand"],
    ['a=b=c', 'unescaped ='],
    ['a===b', 'unescaped ='],
    ['a!==b', 'unescaped ='],
    ['metadata.name=cm\\-1', 'invalid escape sequence'],
    ['metadata.name=x\\', "ends with '\\'"],
    ['metadata.name=x\\n', 'invalid escape sequence'],
    [' metadata.name=x', 'whitespace'],
    ['metadata.name =x', 'whitespace'],
    ['metadata.name\t==x', 'whitespace'],
    ['=x', 'empty'],
    ['!=x', 'empty'],
  ])('rejects %j', (sel, message) => {
    expect(() => parseFieldSelector(sel)).toThrow(FieldSelectorParseError);
    expect(() => parseFieldSelector(sel)).toThrow(message);
  });

  it('round-trips escaping', () => {
    expect(oneTermEqualSelector('metadata.name', 'a,b=c\\d').toString()).toBe('metadata.name=a\\,b\\=c\\\\d');
    expect(parseFieldSelector(oneTermEqualSelector('f', 'a,b').toString()).matches({ f: 'a,b' })).toBe(true);
  });
});

describe('IntOrString', () => {
  it.each([
    [5, 10, true, 5],
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    ['100%', 7, false, 7],
  ])('%j of %i (roundUp %s) = %i', (v, total, up, out) =>
    expect(getScaledValueFromIntOrPercent(v, total, up)).toBe(out),
  );
  it('rejects strings that are not percentages', () =>
    expect(() => getScaledValueFromIntOrPercent('abc', 10, true)).toThrow(/not a percentage/));
});

describe('unstructured helpers', () => {
  const obj = { spec: { replicas: 3, name: 'web', paused: false, labels: { a: 'b' } } };
  it('reads nested fields with found flags and typed errors', () => {
    expect(nestedInt64(obj, 'spec', 'replicas')).toEqual({ value: 3, found: true });
    expect(nestedString(obj, 'spec', 'name')).toEqual({ value: 'web', found: true });
    expect(nestedBool(obj, 'spec', 'paused')).toEqual({ value: false, found: true });
    expect(nestedStringMap(obj, 'spec', 'labels')).toEqual({ value: { a: 'b' }, found: true });
    expect(nestedField(obj, 'spec', 'missing')).toEqual({ value: undefined, found: false });
    expect(() => nestedString(obj, 'spec', 'replicas')).toThrow(UnstructuredTypeError);
  });
  it('sets and removes nested fields and refuses prototype keys', () => {
    const o: Record<string, unknown> = {};
    setNestedField(o, 2, 'spec', 'replicas');
    expect(o).toEqual({ spec: { replicas: 2 } });
    removeNestedField(o, 'spec', 'replicas');
    expect(o).toEqual({ spec: {} });
    expect(() => setNestedField(o, 1, '__proto__', 'polluted')).toThrow(UnstructuredTypeError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
