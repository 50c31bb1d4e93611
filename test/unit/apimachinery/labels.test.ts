// Label selector grammar, matching and canonical strings, after client-go's selector_test.go.
import { describe, expect, it } from 'vitest';
import { LabelSelectorParseError, parseSelector, selectorFromSet } from '../../../src/apimachinery/labels.js';

describe('label selectors', () => {
  it.each([
    ['', {}, true],
    ['x=a', { x: 'a' }, true],
    ['x==a', { x: 'b' }, false],
    ['x!=a', { y: 'a' }, true],
    ['x in (a,b)', { x: 'b' }, true],
    ['x notin (a,b)', { x: 'c' }, true],
    ['x notin (a,b)', {}, true],
    ['x', { x: '' }, true],
    ['!x', { x: 'a' }, false],
    ['x>1', { x: '2' }, true],
    ['x<1', { x: '2' }, false],
    ['x=a,y in (b), !z', { x: 'a', y: 'b' }, true],
    ['example.com/app=web', { 'example.com/app': 'web' }, true],
    ['x=', { x: '' }, true],
  ])('%j matches %j: %s', (sel, labels, expected) => {
    expect(parseSelector(sel).matches(labels)).toBe(expected);
  });

  it.each([
    ['y=b,x in (c,a)', 'x in (a,c),y=b'],
    ['  b , !a ', '!a,b'],
    ['x>5', 'x>5'],
  ])('canonical form of %j is %j', (sel, canonical) => expect(parseSelector(sel).toString()).toBe(canonical));

  it.each([
    ['x=a,', 19, 'found no label key'],
    ['x in (a', 7, 'expected , or )'],
    ['x>a', 2, 'must be an integer'],
    ['-bad=1', 0, 'invalid label key'],
    ['x=@', 2, 'expected ,'],
  ])('rejects %j with a position', (sel, _pos, message) => {
    try {
      parseSelector(sel);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(LabelSelectorParseError);
      expect((err as Error).message).toContain(message);
      expect((err as LabelSelectorParseError).position).toBeGreaterThanOrEqual(0);
    }
  });

  it('builds selectors from sets', () => {
    expect(selectorFromSet({ b: '2', a: '1' }).toString()).toBe('a=1,b=2');
    expect(selectorFromSet({}).empty()).toBe(true);
  });
});
