// Fuzzes resource quantities (parseQuantity, Quantity) with arbitrary strings, grammar-built valid
// quantities, very long digit strings and huge exponents: parse succeeds or throws QuantityParseError,
// the canonical string is a fixed point that compares equal, and nothing takes long.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseQuantity, type Quantity, QuantityParseError } from '../../../src/apimachinery/quantity.js';
import { expectNoPollution, fuzzParams, prototypeSnapshot, succeedsOrThrowsTyped, textAndTokens } from './support.js';

const SUFFIXES = ['n', 'u', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** Parses and prints `s` (and the reprint) within `ms`: success or QuantityParseError only. */
function parseBounded(s: string, ms = 250): Quantity | undefined {
  const start = performance.now();
  const r = succeedsOrThrowsTyped(() => {
    const q = parseQuantity(s);
    const c = q.toString();
    expect(JSON.stringify(q)).toBe(JSON.stringify(c));
    return q;
  }, [QuantityParseError]);
  const took = performance.now() - start;
  if (took > ms) throw new Error(`parsing ${JSON.stringify(s.slice(0, 60))} took ${Math.round(took)} ms`);
  return r.ok ? r.value : undefined;
}

/** The canonical string is a fixed point and the reparse compares equal. */
function expectRoundTrip(q: Quantity): void {
  const c = q.toString();
  const again = parseQuantity(c);
  expect(again.toString()).toBe(c);
  expect(again.cmp(q)).toBe(0);
  expect(q.cmp(again)).toBe(0);
}

const digits = (max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: max });

/** Valid quantities from the grammar: sign, digits, optional fraction, a suffix or an exponent. */
const validQuantity = fc
  .record({
    sign: fc.constantFrom('', '+', '-'),
    int: fc.oneof(digits(12), fc.constant('')),
    frac: fc.option(fc.oneof(digits(12), fc.constant('')), { nil: undefined }),
    tail: fc.oneof(
      fc.constantFrom(...SUFFIXES),
      fc
        .tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.integer({ min: 0, max: 40 }))
        .map((t) => t.join('')),
    ),
    // Spaces the server trims around a quantity in JSON (a tab there is an escape it refuses).
    pad: fc.constantFrom('', ' ', '\u00a0'),
  })
  .filter(({ int, frac }) => int !== '' || (frac !== undefined && frac !== ''))
  .map(({ sign, int, frac, tail, pad }) => `${pad}${sign}${int}${frac === undefined ? '' : `.${frac}`}${tail}${pad}`);

const QUANTITY_TOKENS = [...'0123456789.+-eEiKnumkMGTP ', 'Ki', 'Mi', 'Ei', 'e9', 'e-9', 'e999999999', 'e-999999999'];

describe('quantities under bad input', () => {
  const before = prototypeSnapshot();
  afterAll(() => expectNoPollution(before));

  it('arbitrary strings: QuantityParseError or a quantity whose canonical form round-trips', () => {
    const text = textAndTokens(QUANTITY_TOKENS, { maxLength: 20, maxTokens: 12 });
    fc.assert(
      fc.property(text, (s) => {
        const q = parseBounded(s);
        if (q) expectRoundTrip(q);
      }),
      fuzzParams(2000),
    );
  });

  it('valid quantities from the grammar parse, and their canonical form is a fixed point', () => {
    fc.assert(
      fc.property(validQuantity, (s) => {
        const q = parseBounded(s);
        expect(q).toBeDefined();
        expectRoundTrip(q!);
        // The sign survives (zero has none).
        const negative = /^\s*-/.test(s) && q!.cmp(parseQuantity('0')) !== 0;
        expect(q!.toString().startsWith('-')).toBe(negative);
      }),
      fuzzParams(2000),
    );
  });

  it('very long digit strings and huge exponents finish quickly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.oneof(
          fc.constantFrom(...SUFFIXES),
          fc.integer({ min: -(2 ** 31), max: 2 ** 31 }).map((e) => `e${e}`),
          fc.constantFrom('e99999999999999999999', 'e-99999999999999999999'),
        ),
        (intLen, fracLen, tail) => {
          const s = `${'9'.repeat(intLen)}${fracLen ? `.${'1'.repeat(fracLen)}` : ''}${tail}`;
          const q = parseBounded(s, 500);
          if (q && /^(?:[^e]*|.*e-?\d{1,4})$/.test(s)) expectRoundTrip(q);
        },
      ),
      fuzzParams(200),
    );
  });

  // Found by this suite: huge exponents used to need a power of ten with billions of digits.
  it('regression: huge and tiny exponents print short, compare by magnitude, and int32 bounds the exponent', () => {
    expect(parseQuantity('8e999999999').toString()).toBe('8e999999999');
    expect(parseQuantity('1e1075615').toString()).toBe('10e1075614');
    expect(parseQuantity('1e-2000000000').toString()).toBe('1e-9');
    expect(parseQuantity('-1e-2000000000').toString()).toBe('-1e-9');
    expect(parseQuantity('1e2000000000').cmp(parseQuantity('1Ei'))).toBe(1);
    expect(parseQuantity('-1e2000000000').cmp(parseQuantity('1'))).toBe(-1);
    expect(parseQuantity('1e400').value()).toBe(Number.POSITIVE_INFINITY);
    expect(() => parseQuantity('1e2147483648')).toThrow(QuantityParseError);
    expect(() => parseQuantity('1e99999999999999999999')).toThrow(QuantityParseError);
  });
});
