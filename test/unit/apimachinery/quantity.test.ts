// resource.Quantity as the apiserver reads and prints it: parsing, the string kept when it is already
// canonical, canonical forms, the int64 cap of binary suffixes, exact arithmetic and comparison
// (tables in our own words after what apimachinery's quantity tests pin down).
import { describe, expect, it } from 'vitest';
import { parseQuantity, QuantityParseError } from '../../../src/apimachinery/index.js';

describe('Quantity', () => {
  // input, what a server round trip gives back, the canonical form
  it.each([
    ['0', '0', '0'],
    ['1', '1', '1'],
    ['1000m', '1', '1'],
    ['1001m', '1001m', '1001m'],
    ['0.5', '500m', '500m'],
    ['1.5', '1500m', '1500m'],
    ['1000', '1k', '1k'],
    ['1k', '1k', '1k'],
    ['1500k', '1500k', '1500k'],
    ['1024', '1024', '1024'],
    ['1Ki', '1Ki', '1Ki'],
    ['1024Ki', '1Mi', '1Mi'],
    ['1.5Gi', '1536Mi', '1536Mi'],
    ['0.5Ki', '512', '512'],
    ['1023Ki', '1023Ki', '1023Ki'],
    ['1e3', '1e3', '1e3'],
    ['1000e3', '1e6', '1e6'],
    ['5e-3', '5e-3', '5e-3'],
    ['1e1', '10', '10'],
    ['100n', '100n', '100n'],
    ['0.1n', '1n', '1n'],
    ['12E', '12E', '12E'],
    ['-1', '-1', '-1'],
    ['-500m', '-500m', '-500m'],
    ['100Mi', '100Mi', '100Mi'],
    ['1000Mi', '1000Mi', '1000Mi'],
    ['1024Mi', '1Gi', '1Gi'],
    ['.5', '500m', '500m'],
    // Canonical for its value already: kept as written.
    ['1.500', '1.500', '1500m'],
    ['01', '01', '1'],
    ['010', '010', '10'],
    ['+1', '+1', '1'],
    ['5.', '5.', '5'],
    ['1E3', '1E3', '1e3'],
    ['1e+3', '1e+3', '1e3'],
    ['1.234e6', '1.234e6', '1234e3'],
    ['01Ki', '01Ki', '1Ki'],
    ['+9Ki', '+9Ki', '9Ki'],
    ['1.5e1', '1.5e1', '15'],
    ['1e2000000000', '100e1999999998', '100e1999999998'],
    ['1e1999999998', '1e1999999998', '1e1999999998'],
    // Not canonical: rewritten.
    ['1.0', '1', '1'],
    ['0.5e3', '500', '500'],
    ['-0', '0', '0'],
    ['00', '0', '0'],

    ['8Ki', '8Ki', '8Ki'],
    ['1.1Ki', '1126400m', '1126400m'],
    ['1023.5Ki', '1048064', '1048064'],
    ['0.0001Ki', '102400u', '102400u'],
    ['100Ti', '100Ti', '100Ti'],
    ['12345678901234567890', '12345678901234567890', '12345678901234567890'],
    ['-0.0000000001', '-1n', '-1n'],
    ['0.5e-9', '1e-9', '1e-9'],
    // Binary suffixes past int64 are capped at int64 max.
    ['7Ei', '7Ei', '7Ei'],
    ['8Ei', '9223372036854775807', '9223372036854775807'],
    ['16Ei', '9223372036854775807', '9223372036854775807'],
    ['-8Ei', '-9223372036854775807', '-9223372036854775807'],
    ['9999999Pi', '9223372036854775807', '9223372036854775807'],
    // The server drops the exponent of decimal values from 1e21 up (prints `1`); we keep it.
    ['1000E', '1000E', '1000E'],
    ['1e21', '1e21', '1e21'],
    // Surrounding spaces, as the server trims them in JSON (Go's strings.TrimSpace on the raw text).
    [' 1 ', '1', '1'],
    ['  2Ki\u3000', '2Ki', '2Ki'],
    ['\u00a03\u00a0', '3', '3'],
  ])('%j comes back as %j (canonical %j)', (input, back, canonical) => {
    const q = parseQuantity(input);
    expect(q.toString()).toBe(back);
    expect(JSON.stringify(q)).toBe(JSON.stringify(back));
    expect(q.canonical()).toBe(canonical);
    expect(parseQuantity(back).cmp(q)).toBe(0);
  });

  it.each([
    ['16Ei', '8Ei', 0],
    ['8Ei', '9223372036854775807', 0],
    ['7Ei', '8Ei', -1],
    ['1Ki', '1024', 0],
    ['1', '999m', 1],
    ['1.500', '1500m', 0],
    ['1e3', '1k', 0],
    ['9223372036854775807', '9223372036854775806', 1],
    ['100000000000000000001', '100000000000000000000', 1],
    ['0.1n', '1n', 0],
    ['-1n', '0', -1],
    ['1e-9', '0.000000001', 0],
    ['-8Ei', '-9223372036854775808', 1],
  ])('cmp(%j, %j) is %i', (a, b, expected) => {
    expect(parseQuantity(a).cmp(parseQuantity(b))).toBe(expected);
    expect(parseQuantity(b).cmp(parseQuantity(a))).toBe(-expected || 0);
  });

  it('computes values rounded up and adds and subtracts exactly', () => {
    expect(parseQuantity('100Mi').value()).toBe(104857600);
    expect(parseQuantity('250m').milliValue()).toBe(250);
    expect(parseQuantity('1.5').value()).toBe(2);
    expect(parseQuantity('1Gi').add(parseQuantity('512Mi')).toString()).toBe('1536Mi');
    expect(parseQuantity('1').sub(parseQuantity('250m')).toString()).toBe('750m');
    expect(parseQuantity('0.1').add(parseQuantity('0.2')).toString()).toBe('300m');
    expect(parseQuantity('9223372036854775807').add(parseQuantity('1')).toString()).toBe('9223372036854775808');
    expect(parseQuantity('1n').add(parseQuantity('1E')).toString()).toBe('1000000000000000000000000001n');
    // A sum is never kept as written; a zero takes the other's format, as Go's Add.
    expect(parseQuantity('1.500').add(parseQuantity('0')).toString()).toBe('1500m');
    expect(parseQuantity('0').add(parseQuantity('1Ki')).format).toBe('BinarySI');
    expect(parseQuantity('0').sub(parseQuantity('2Ki')).toString()).toBe('-2Ki');
    // Rounding up to a scale, as the server does to container resources (milli).
    expect(parseQuantity('1.0001').roundUp(-3).toString()).toBe('1001m');
    expect(parseQuantity('-1.0001').roundUp(-3).toString()).toBe('-1001m');
    expect(parseQuantity('558909.795e-9').roundUp(-3).toString()).toBe('1e-3');
    expect(parseQuantity('1.500').roundUp(-3).toString()).toBe('1.500');
    expect(parseQuantity('1.5Ki').roundUp(0).toString()).toBe('1536');
  });

  it.each([
    '',
    ' ',
    'abc',
    '1.2.3',
    '1Kb',
    '1K',
    '1ki',
    '--1',
    '1 Ki',
    '1e',
    '1e3e',
    '1e3.5',
    '1Ki3',
    '\ufeff1',
    // In JSON these are escapes (\t, \n), which the server does not trim.
    '\t1',
    '1\n',
    '\r1',
    '\u000b1',
    '1\u000c',
    '1e2147483648',
    // The server reads these as 0; we refuse a quantity without digits.
    '.',
    '+',
    '-',
    'Ki',
    'e3',
    '+.m',
  ])('rejects %j', (s) => expect(() => parseQuantity(s)).toThrow(QuantityParseError));
});
