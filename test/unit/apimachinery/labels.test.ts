// Label selectors as the apiserver reads them: the grammar and lexer of apimachinery's labels package,
// key and value validation, int64 `>`/`<`, matching and canonical strings (tables in our own words,
// covering what apimachinery's selector tests pin down).
import { describe, expect, it } from 'vitest';
import {
  LabelSelectorParseError,
  labelKeyError,
  labelValueError,
  parseInt64,
  parseSelector,
  selectorFromSet,
} from '../../../src/apimachinery/labels.js';

const MAX = '9223372036854775807';
const MIN = '-9223372036854775808';

describe('label selectors: matching', () => {
  it.each([
    ['', {}, true],
    ['x=a', { x: 'a' }, true],
    ['x==a', { x: 'b' }, false],
    ['x!=a', { y: 'a' }, true],
    ['x!=a', { x: 'a' }, false],
    ['x in (a,b)', { x: 'b' }, true],
    ['x in (a,b)', {}, false],
    ['x notin (a,b)', { x: 'c' }, true],
    ['x notin (a,b)', {}, true],
    ['x', { x: '' }, true],
    ['!x', { x: 'a' }, false],
    ['!x', {}, true],
    ['x=a,y in (b), !z', { x: 'a', y: 'b' }, true],
    ['example.com/app=web', { 'example.com/app': 'web' }, true],
    ['x=', { x: '' }, true],
    ['x=', {}, false],
    ['x!=', {}, true],
    ['x in ()', { x: '' }, true],
    ['x in ()', { x: 'a' }, false],
    ['x in (,a)', { x: '' }, true],
    ['x notin (a,)', { x: '' }, false],
    ['in in (in)', { in: 'in' }, true],
    ['x=notin', { x: 'notin' }, true],
  ])('%j matches %j: %s', (sel, labels, expected) => {
    expect(parseSelector(sel).matches(labels)).toBe(expected);
  });

  // `>` and `<` compare base-10 int64 values (strconv.ParseInt) on both sides; anything else never matches.
  it.each([
    ['x>1', '2', true],
    ['x<1', '2', false],
    ['x>1', '1', false],
    ['x<8', '007', true],
    [`x>9223372036854775806`, MAX, true],
    [`x<${MAX}`, '9223372036854775806', true],
    [`x>${MAX}`, MAX, false],
    ['x>0', '9223372036854775808', false],
    ['x<0', MIN, true],
    ['x<0', '-9223372036854775809', false],
    ['x>0', '', false],
    ['x>0', '1.0', false],
    ['x>0', '0x10', false],
    ['x>0', '1e3', false],
    ['x>0', '1_000', false],
    ['x>0', ' 1', false],
    ['x>4', '+5', true],
    ['x>00', '1', true],
    ['x<010', '9', true],
  ])('%j on x=%j: %s', (sel, value, expected) => {
    expect(parseSelector(sel).matches({ x: value })).toBe(expected);
    expect(parseSelector(sel).matches({})).toBe(false);
  });
});

describe('label selectors: what parses', () => {
  // Inputs the server accepts, and the canonical form (keys sorted, sets sorted and deduplicated).
  it.each([
    ['', ''],
    ['   ', ''],
    ['y=b,x in (c,a)', 'x in (a,c),y=b'],
    ['  b , !a ', '!a,b'],
    ['x>5', 'x>5'],
    ['x=a,y=b,z=c', 'x=a,y=b,z=c'],
    ['x!=a,y=b', 'x!=a,y=b'],
    ['x=', 'x='],
    ['x= ', 'x='],
    ['x=,z= ', 'x=,z='],
    ['x==a', 'x==a'],
    ['x>1,z<5', 'x>1,z<5'],
    [`x<${MAX}`, `x<${MAX}`],
    ['x notin (b,a,b)', 'x notin (a,b)'],
    ['x in (a,,b)', 'x in (,a,b)'],
    ['x in (,)', 'x in ()'],
    ['x in (a,)', 'x in (,a)'],
    ['x in(a)', 'x in (a)'],
    ['in in (in),notin', 'in in (in),notin'],
    ['\tx\r\n=\na', 'x=a'],
    // Go's lexer reads a NUL as the end where a token starts; inside a token it just ends that token.
    ['x=a \u0000garbage ==', 'x=a'],
    ['x=\u0000b', 'x=b'],
    ['x\u0000=a', 'x=a'],
    ['Example.com_x=V', 'Example.com_x=V'],
    ['example.com/X_y=1', 'example.com/X_y=1'],
    [`${'a'.repeat(253)}/${'b'.repeat(63)}`, `${'a'.repeat(253)}/${'b'.repeat(63)}`],
    [`x=${'v'.repeat(63)}`, `x=${'v'.repeat(63)}`],
  ])('%j is %j', (sel, canonical) => {
    const parsed = parseSelector(sel);
    expect(parsed.toString()).toBe(canonical);
    expect(parseSelector(canonical).toString()).toBe(canonical);
  });

  it('keeps in/notin values as a sorted set', () => {
    expect(parseSelector('x in (b,a,b,)').requirements()).toEqual([
      { key: 'x', operator: 'in', values: ['', 'a', 'b'] },
    ]);
  });

  // Inputs the server answers 400 to.
  it.each([
    ['x=a,', "expected: identifier after ','"],
    [',x', 'expected: !, identifier'],
    ['x,,y', "identifier after ','"],
    ['x in (a', "expected: ',' or ')'"],
    ['x in (a b)', "expected: ',' or ')'"],
    ['x in (a,,)', "expected: ',', or identifier"],
    ['x in a', "expected: '('"],
    ['x in (', "expected: ',', ')' or identifier"],
    ['x>a', 'must be an integer'],
    ['x>', 'must be an integer'],
    ['x>1.0', 'must be an integer'],
    ['x>0x10', 'must be an integer'],
    ['x>1e3', 'must be an integer'],
    ['x>9223372036854775808', 'must be an integer'],
    ['x>-1', 'invalid label value'],
    ['x<+1', 'invalid label value'],
    ['x>=1', 'expected: identifier'],
    ['x<>1', 'expected: identifier'],
    ['x=!a', 'expected: identifier'],
    ['x!==a', 'expected: identifier'],
    ['x==a==b', "expected: ',' or 'end of string'"],
    ['x=a||y=b', 'invalid label value'],
    ['!x=a', "expected: ',' or 'end of string'"],
    ['!x in (a)', "expected: ',' or 'end of string'"],
    ['!', 'expected: identifier'],
    ['!!x', 'expected: identifier'],
    ['x=a b', "expected: ',' or 'end of string'"],
    ['x y', 'expected: in, notin'],
    ['-bad=1', 'invalid label key'],
    ['x=@', 'invalid label value'],
    ['x=-a', 'invalid label value'],
    [`x=${'v'.repeat(64)}`, 'no more than 63'],
    ['x=a,\u00a0y=b', 'invalid label key'],
    ['x=a\u000b', 'invalid label value'],
    ['x=a\u000c', 'invalid label value'],
    ['Example.com/x=1', 'prefix part'],
    ['a..b/x', 'prefix part'],
    ['a.-b/x', 'prefix part'],
    ['a-.b/x', 'prefix part'],
    ['-a/x', 'prefix part'],
    ['a_b/x', 'prefix part'],
    ['/x', 'prefix part must be non-empty'],
    ['a/', 'name part must be non-empty'],
    ['a/b/c', 'at most one'],
    [`${'a'.repeat(254)}/x`, 'no more than 253'],
    [`${'b'.repeat(64)}`, 'no more than 63'],
    ['x_', 'name part must consist'],
  ])('rejects %j', (sel, message) => {
    let error: unknown;
    try {
      parseSelector(sel);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LabelSelectorParseError);
    expect((error as Error).message).toContain(message);
    const position = (error as LabelSelectorParseError).position;
    expect(position).toBeGreaterThanOrEqual(0);
    expect(position).toBeLessThanOrEqual(sel.length);
  });

  it('points at the offending token', () => {
    const positionOf = (sel: string) => {
      try {
        parseSelector(sel);
      } catch (err) {
        return (err as LabelSelectorParseError).position;
      }
      return -1;
    };
    expect(positionOf('x=a,')).toBe(4);
    expect(positionOf('a=b, c d')).toBe(7);
    expect(positionOf('x in (a')).toBe(7);
  });

  it('builds selectors from sets', () => {
    expect(selectorFromSet({ b: '2', a: '1' }).toString()).toBe('a=1,b=2');
    expect(selectorFromSet({}).empty()).toBe(true);
  });
});

describe('label keys, values and int64', () => {
  it.each([
    ['app', true],
    ['App_1.x-y', true],
    ['example.com/App', true],
    ['a/b', true],
    ['Example.com/a', false],
    ['ex..com/a', false],
    ['', false],
    ['_a', false],
  ])('key %j valid: %s', (key, ok) => expect(labelKeyError(key) === undefined).toBe(ok));

  it.each([
    ['', true],
    ['a', true],
    ['A-b_c.d', true],
    ['-a', false],
    ['a.', false],
    ['a b', false],
  ])('value %j valid: %s', (value, ok) => expect(labelValueError(value) === undefined).toBe(ok));

  it.each([
    ['0', 0n],
    ['+7', 7n],
    ['-007', -7n],
    [MAX, 2n ** 63n - 1n],
    [MIN, -(2n ** 63n)],
    ['9223372036854775808', undefined],
    ['', undefined],
    ['-', undefined],
    ['1.0', undefined],
    ['0x1', undefined],
    ['1_0', undefined],
    ['٣', undefined],
  ])('parseInt64(%j) is %s', (s, v) => expect(parseInt64(s)).toBe(v));
});
