// resource.Quantity: exact parsing of Kubernetes quantities ("500m", "1.5Gi", "1e3") and the
// canonical form the apiserver prints (apimachinery's quantity.go): values are kept as an exact
// decimal (bigint mantissa x 10^scale), rounded up (away from zero) to nano precision.

/** How a quantity is written: binary (Ki, Mi, ...), decimal SI (m, k, M, ...) or exponent (e3). */
export type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

/** A string that is not a quantity. */
export class QuantityParseError extends Error {
  override readonly name = 'QuantityParseError';
}

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX = Object.fromEntries(Object.entries(DECIMAL).map(([s, e]) => [e, s])) as Record<number, string>;
const BINARY_SUFFIX = Object.fromEntries(Object.entries(BINARY).map(([s, n]) => [n, s])) as Record<number, string>;
const pow10 = (n: number) => 10n ** BigInt(n);
const abs = (v: bigint) => (v < 0n ? -v : v);
const sign = (v: bigint) => (v < 0n ? -1 : v > 0n ? 1 : 0);
const digitCount = (v: bigint) => abs(v).toString().length;
/** Beyond this many decimal digits a value is no finite double: value() gives +-Infinity. */
const MAX_DOUBLE_DIGITS = 310;

/**
 * A quantity.
 *
 * @example
 * parseQuantity('1.5Gi').toString(); // '1536Mi'
 * parseQuantity('1000m').toString(); // '1'
 * parseQuantity('250m').milliValue(); // 250
 */
export class Quantity {
  private constructor(
    /** value = mantissa x 10^scale, normalized (no trailing zeros, scale >= -9). */
    private readonly mantissa: bigint,
    private readonly scale: number,
    readonly format: QuantityFormat,
  ) {}

  /** @internal builds a normalized quantity. */
  static of(mantissa: bigint, scale: number, format: QuantityFormat): Quantity {
    let m = mantissa;
    let s = scale;
    if (s < -9 && -9 - s > digitCount(m)) {
      // Smaller than one nano (and not zero): rounds up to one nano, without a huge power of ten.
      m = m === 0n ? 0n : m < 0n ? -1n : 1n;
      s = -9;
    } else if (s < -9) {
      // Round away from zero to nano precision.
      const d = pow10(-9 - s);
      const q = m / d;
      m = m % d === 0n ? q : q + (m < 0n ? -1n : 1n);
      s = -9;
    }
    if (m === 0n) return new Quantity(0n, 0, format);
    while (m % 10n === 0n) {
      m /= 10n;
      s++;
    }
    return new Quantity(m, s, format);
  }

  /** Compares with another quantity: -1, 0 or 1. */
  cmp(other: Quantity): number {
    const sa = sign(this.mantissa);
    const sb = sign(other.mantissa);
    if (sa !== sb || sa === 0) return sa < sb ? -1 : sa > sb ? 1 : 0;
    // Different orders of magnitude decide without scaling (which could need a huge power of ten).
    const ma = digitCount(this.mantissa) + this.scale;
    const mb = digitCount(other.mantissa) + other.scale;
    if (ma !== mb) return (ma < mb ? -1 : 1) * sa;
    const s = Math.min(this.scale, other.scale);
    const a = this.mantissa * pow10(this.scale - s);
    const b = other.mantissa * pow10(other.scale - s);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** Sum (keeps this quantity's format). */
  add(other: Quantity): Quantity {
    const s = Math.min(this.scale, other.scale);
    return Quantity.of(this.mantissa * pow10(this.scale - s) + other.mantissa * pow10(other.scale - s), s, this.format);
  }

  /** Difference (keeps this quantity's format). */
  sub(other: Quantity): Quantity {
    return this.add(Quantity.of(-other.mantissa, other.scale, other.format));
  }

  private scaledCeil(scale: number): number {
    const shift = this.scale - scale;
    if (this.mantissa === 0n) return 0;
    if (shift > MAX_DOUBLE_DIGITS) return this.mantissa < 0n ? -Infinity : Infinity;
    if (shift >= 0) return Number(this.mantissa * pow10(shift));
    const d = pow10(-shift);
    const q = this.mantissa / d;
    return Number(this.mantissa % d === 0n ? q : q + (this.mantissa < 0n ? -1n : 1n));
  }

  /** The value as an integer, rounded up (away from zero). */
  value(): number {
    return this.scaledCeil(0);
  }

  /** The value x 1000 as an integer, rounded up. */
  milliValue(): number {
    return this.scaledCeil(-3);
  }

  /** The canonical form, as the apiserver prints it. */
  toString(): string {
    if (this.mantissa === 0n) return '0';
    let format = this.format;
    if (format === 'BinarySI') {
      const integral = this.scale >= 0;
      const v = integral ? this.mantissa * pow10(this.scale) : 0n;
      if (!integral || abs(v) < 1024n) format = 'DecimalSI';
      else {
        let n = 0;
        let m = v;
        while (n < 6 && m % 1024n === 0n) {
          m /= 1024n;
          n++;
        }
        return `${m}${n === 0 ? '' : BINARY_SUFFIX[n]}`;
      }
    }
    let e = Math.floor(this.scale / 3) * 3;
    // Suffixes end at E (10^18); the exponent form has no cap, so huge exponents stay short.
    if (e > 18 && format !== 'DecimalExponent') e = 18;
    const m = this.mantissa * pow10(this.scale - e);
    if (format === 'DecimalExponent') return e === 0 ? `${m}` : `${m}e${e}`;
    return `${m}${DECIMAL_SUFFIX[e]}`;
  }

  /** The canonical form (for JSON.stringify). */
  toJSON(): string {
    return this.toString();
  }
}

/**
 * Parses a quantity; throws QuantityParseError for anything else.
 *
 * @example
 * parseQuantity('100Mi').value(); // 104857600
 */
export function parseQuantity(s: string): Quantity {
  const m = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/.exec(s.trim());
  if (!m || s.trim() === '')
    throw new QuantityParseError(
      `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': ${JSON.stringify(s)}`,
    );
  const [, sign, num, exp, suffix = ''] = m;
  const [intPart = '0', frac = ''] = num!.split('.');
  let mantissa = BigInt(`${intPart || '0'}${frac}`) * (sign === '-' ? -1n : 1n);
  let scale = -frac.length;
  let format: QuantityFormat = 'DecimalSI';
  if (exp) {
    const e = Number(exp.slice(1));
    // Like apimachinery, the exponent is a 32-bit integer.
    if (!(Math.abs(e) <= 2 ** 31 - 1))
      throw new QuantityParseError(`quantity exponent out of range: ${JSON.stringify(s)}`);
    scale += e;
    format = 'DecimalExponent';
  } else if (BINARY[suffix] !== undefined) {
    mantissa *= 1024n ** BigInt(BINARY[suffix]!);
    format = 'BinarySI';
  } else {
    scale += DECIMAL[suffix]!;
  }
  return Quantity.of(mantissa, scale, format);
}

/** Like parseQuantity, for constants known to be valid. */
export function mustParse(s: string): Quantity {
  return parseQuantity(s);
}
