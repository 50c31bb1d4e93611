// resource.Quantity parsing and canonical forms, after apimachinery's quantity_test.go.
import { describe, expect, it } from 'vitest';
import { parseQuantity, QuantityParseError } from '../../../src/apimachinery/index.js';

describe('Quantity', () => {
  it.each([
    ['0', '0'],
    ['1', '1'],
    ['1000m', '1'],
    ['1001m', '1001m'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['1000', '1k'],
    ['1k', '1k'],
    ['1500k', '1500k'],
    ['1024', '1024'],
    ['1Ki', '1Ki'],
    ['1024Ki', '1Mi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Ki', '512'],
    ['1023Ki', '1023Ki'],
    ['1e3', '1e3'],
    ['1000e3', '1e6'],
    ['5e-3', '5e-3'],
    ['100n', '100n'],
    ['0.1n', '1n'],
    ['12E', '12E'],
    ['-1', '-1'],
    ['-500m', '-500m'],
    ['100Mi', '100Mi'],
    ['1000Mi', '1000Mi'],
    ['1024Mi', '1Gi'],
    ['.5', '500m'],
  ])('%s is %s', (input, canonical) => expect(parseQuantity(input).toString()).toBe(canonical));

  it('computes values rounded up and compares exactly', () => {
    expect(parseQuantity('100Mi').value()).toBe(104857600);
    expect(parseQuantity('250m').milliValue()).toBe(250);
    expect(parseQuantity('1.5').value()).toBe(2);
    expect(parseQuantity('1Ki').cmp(parseQuantity('1024'))).toBe(0);
    expect(parseQuantity('1').cmp(parseQuantity('999m'))).toBe(1);
    expect(parseQuantity('1Gi').add(parseQuantity('512Mi')).toString()).toBe('1536Mi');
    expect(parseQuantity('1').sub(parseQuantity('250m')).toString()).toBe('750m');
  });

  it.each(['', 'abc', '1.2.3', '1Kb', '--1', '1 Ki', 'e3'])('rejects %j', (s) =>
    expect(() => parseQuantity(s)).toThrow(QuantityParseError),
  );
});
