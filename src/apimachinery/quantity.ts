// resource.Quantity: exact parsing of Kubernetes quantities ("500m", "1.5Gi", "1e3") and the string
// the apiserver gives back (apimachinery's quantity.go): the form as written when it is canonical
// already, else the canonical form; values are kept as an exact decimal (bigint mantissa x 10^scale),
// rounded up (away from zero) to nano precision; binary-suffix values are capped at int64 max.

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
/** Decimal digits of |v|, from the bit length (a decimal toString of a huge bigint is quadratic). */
function digitCount(v: bigint): number {
  const a = abs(v);
  if (a < 10n ** 15n) return a.toString().length;
  const hex = a.toString(16);
  const bits = (hex.length - 1) * 4 + Number.parseInt(hex[0]!, 16).toString(2).length;
  let d = Math.floor((bits - 1) * Math.LOG10E * Math.LN2) + 1;
  while (d > 1 && a < pow10(d - 1)) d--;
  while (a >= pow10(d)) d++;
  return d;
}
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
    /** The string as parsed, when apimachinery keeps it (already canonical for its value). */
    private readonly written?: string,
  ) {}

  /** @internal builds a normalized quantity (`written`: the parsed string, kept as its form). */
  static of(mantissa: bigint, scale: number, format: QuantityFormat, written?: string): Quantity {
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
    if (m === 0n) return new Quantity(0n, 0, format, written);
    // Strip trailing zeros with 10^(2^j) steps, largest first: one digit at a time is quadratic
    // (10^14690 took most of a second).
    const steps: Array<[bigint, number]> = [[10n, 1]];
    while (steps.at(-1)![0] * steps.at(-1)![0] <= abs(m)) {
      const [p, k] = steps.at(-1)!;
      steps.push([p * p, k * 2]);
    }
    for (let i = steps.length - 1; i >= 0; i--) {
      const [p, k] = steps[i]!;
      while (m % p === 0n) {
        m /= p;
        s += k;
      }
    }
    return new Quantity(m, s, format, written);
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

  /** Exact sum; keeps this quantity's format, or takes the other's when this one is zero (as Go's Add). */
  add(other: Quantity): Quantity {
    const s = Math.min(this.scale, other.scale);
    const format = this.mantissa === 0n ? other.format : this.format;
    return Quantity.of(this.mantissa * pow10(this.scale - s) + other.mantissa * pow10(other.scale - s), s, format);
  }

  /** Exact difference; keeps this quantity's format, or takes the other's when this one is zero. */
  sub(other: Quantity): Quantity {
    return this.add(Quantity.of(-other.mantissa, other.scale, other.format));
  }

  /**
   * The value rounded up (away from zero) to a multiple of 10^scale, as Go's RoundUp; unchanged
   * (string form included) when it has no finer digits. The apiserver rounds container resources
   * to milli precision this way (`roundUp(-3)`).
   *
   * @example
   * parseQuantity('1.0001').roundUp(-3).toString(); // '1001m'
   */
  roundUp(scale: number): Quantity {
    if (this.scale >= scale) return this;
    const d = pow10(scale - this.scale);
    const q = this.mantissa / d;
    return Quantity.of(this.mantissa % d === 0n ? q : q + (this.mantissa < 0n ? -1n : 1n), scale, this.format);
  }

  /**
   * Whether this is zero.
   *
   * @example
   * parseQuantity('0Ki').isZero(); // true
   */
  isZero(): boolean {
    return this.mantissa === 0n;
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

  /**
   * The string the apiserver gives back for this quantity: the form as written when apimachinery
   * keeps it, else {@link Quantity.canonical}.
   *
   * @example
   * parseQuantity('01').toString(); // '01'
   * parseQuantity('1.0').toString(); // '1'
   */
  toString(): string {
    return this.written ?? this.canonical();
  }

  /**
   * The canonical form of the value and format.
   *
   * @example
   * parseQuantity('1.500').canonical(); // '1500m'
   */
  canonical(): string {
    this.canonicalForm ??= this.computeCanonical();
    return this.canonicalForm;
  }

  private canonicalForm?: string;

  private computeCanonical(): string {
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

  /** What toString gives (for JSON.stringify), as Go's MarshalJSON. */
  toJSON(): string {
    return this.toString();
  }
}

/**
 * What the server trims around a quantity in JSON: Go's strings.TrimSpace runs on the raw JSON text
 * of the string, where tab, CR, LF, VT and FF can only appear escaped (`\t`), so only the space and
 * the Unicode spaces (NEL, NBSP, the space separators) are trimmed; the others make it invalid.
 */
const GO_SPACE = '[ \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';

const TRIM = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'g');
/** sign, digits, optional fraction, then a suffix or an exponent (no digits at all is refused below). */
const QUANTITY = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/;
/** The largest value a binary-suffix quantity keeps (int64 max), as apimachinery's parser caps it. */
const MAX_BINARY = 2n ** 63n - 1n;

/**
 * Parses a quantity as the apiserver reads one from JSON (Quantity.UnmarshalJSON): surrounding
 * spaces (` `, NBSP and the other Unicode spaces, not tab or line breaks) are trimmed; a value that apimachinery treats as already canonical keeps the string as
 * written (`1.500`, `01`, `+1`, `5.`, `1E3`), as a server round trip does; binary-suffix values past
 * int64 are capped at 9223372036854775807; values round up to nano precision. Throws
 * QuantityParseError for anything else — also for a quantity without digits (`.`, `+`, `Ki`), which
 * the server reads as 0.
 *
 * @example
 * parseQuantity('100Mi').value(); // 104857600
 * parseQuantity('1.500').toString(); // '1.500' (as written: canonical for its value)
 * parseQuantity('1000m').toString(); // '1'
 * parseQuantity('16Ei').toString(); // '9223372036854775807'
 */
export function parseQuantity(s: string): Quantity {
  const str = s.replace(TRIM, '');
  const m = QUANTITY.exec(str);
  if (!m || (m[2] === '' && !m[3]))
    throw new QuantityParseError(
      `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': ${JSON.stringify(s)}`,
    );
  if (str === '0') return Quantity.of(0n, 0, 'DecimalSI', str);
  const [, sign, intDigits = '', frac = '', exp, suffix = ''] = m;
  const negative = sign === '-';
  // Leading zeros of the integer part do not count (apimachinery strips them before measuring).
  const num = intDigits.replace(/^0+/, '') || '0';
  let format: QuantityFormat = 'DecimalSI';
  let exponent = 0;
  if (exp !== undefined) {
    const e = Number(exp);
    // The server reads the exponent as int64 and then truncates it to 32 bits; we refuse instead.
    if (!(Math.abs(e) <= 2 ** 31 - 1))
      throw new QuantityParseError(`quantity exponent out of range: ${JSON.stringify(s)}`);
    exponent = e;
    format = 'DecimalExponent';
  } else if (BINARY[suffix] !== undefined) {
    exponent = BINARY[suffix]! * 10;
    format = 'BinarySI';
  } else exponent = DECIMAL[suffix]!;
  const digits = BigInt(`${num}${frac}`);
  const mantissa = negative ? -digits : digits;

  // apimachinery's fast path (small values): the string is kept when it is canonical already.
  const shifted = `${num}${frac}`;
  if (format === 'BinarySI') {
    const precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
    if (frac === '' && precision >= 0) {
      const keep = (digits & 7n) !== 0n;
      return Quantity.of(mantissa * 2n ** BigInt(exponent), 0, format, keep ? str : undefined);
    }
  } else if (18 - shifted.length >= 0 && exponent - frac.length >= -9) {
    const scale = exponent - frac.length;
    const keep = scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
    return Quantity.of(mantissa, scale, format, keep ? str : undefined);
  }

  // The general path: exact, rounded up to nano, binary values capped, binary fractions below 1 decimal.
  if (format !== 'BinarySI') return Quantity.of(mantissa, exponent - frac.length, format);
  let q = Quantity.of(mantissa * 2n ** BigInt(exponent), -frac.length, format);
  if (q.cmp(Quantity.of(MAX_BINARY, 0, format)) > 0) q = Quantity.of(MAX_BINARY, 0, format);
  else if (q.cmp(Quantity.of(-MAX_BINARY, 0, format)) < 0) q = Quantity.of(-MAX_BINARY, 0, format);
  else if (!q.isZero() && q.cmp(Quantity.of(-1n, 0, format)) > 0 && q.cmp(Quantity.of(1n, 0, format)) < 0)
    q = Quantity.of(mantissa * 2n ** BigInt(exponent), -frac.length, 'DecimalSI');
  return q;
}

/** Like parseQuantity, for constants known to be valid. */
export function mustParse(s: string): Quantity {
  return parseQuantity(s);
}
