// Label selectors exactly as the apiserver reads them (apimachinery's labels package): the same lexer
// (only space, tab, CR and LF are whitespace; a NUL byte ends the selector), the same grammar
// (`=`, `==`, `!=`, `in`, `notin`, exists, `!key`, `>`, `<`, empty values, `in ()`), the same key and
// value validation (qualified names with a DNS-1123 subdomain prefix), `>`/`<` as base-10 int64
// comparisons (bigint, never floats), a canonical string form, and errors that give the position.

/** Operators of a requirement. */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** One requirement, e.g. `env in (prod,staging)`. */
export interface Requirement {
  key: string;
  operator: LabelOperator;
  /** Sorted and without duplicates for `in`/`notin` (a set, as in Go); one value for `=`, `==`, `!=`, `gt`, `lt`. */
  values: string[];
}

/** A selector is the AND of its requirements. */
export interface Selector {
  matches(labels: Record<string, string> | undefined): boolean;
  empty(): boolean;
  requirements(): Requirement[];
  /** Canonical form: requirements sorted by key, values sorted. */
  toString(): string;
}

/** A selector that does not parse; `position` is the 0-based offset of the problem. */
export class LabelSelectorParseError extends Error {
  override readonly name = 'LabelSelectorParseError';
  constructor(
    message: string,
    readonly selector: string,
    readonly position: number,
  ) {
    super(`unable to parse requirement: ${message} at position ${position} in ${JSON.stringify(selector)}`);
  }
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Why `key` is not a label key (a qualified name: an optional DNS-1123 subdomain prefix of at most
 * 253 characters and `/`, then a name of at most 63 characters), or undefined when it is one.
 *
 * @example
 * labelKeyError('example.com/app'); // undefined
 * labelKeyError('Example.com/app'); // 'prefix part must be a lowercase RFC 1123 subdomain ...'
 */
export function labelKeyError(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'a qualified name has at most one "/"';
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix === '') return 'prefix part must be non-empty';
    if (prefix.length > 253) return 'prefix part must be no more than 253 characters';
    if (!DNS1123_SUBDOMAIN.test(prefix))
      return "prefix part must be a lowercase RFC 1123 subdomain (lower case alphanumerics, '-' and '.', starting and ending with an alphanumeric)";
  }
  if (name === '') return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME.test(name))
    return "name part must consist of alphanumerics, '-', '_' or '.', and must start and end with an alphanumeric";
  return undefined;
}

/**
 * Why `value` is not a label value (at most 63 characters: alphanumerics, `-`, `_`, `.`, starting and
 * ending with an alphanumeric, or empty), or undefined when it is one.
 *
 * @example
 * labelValueError('prod'); // undefined
 * labelValueError('-1'); // 'a label value must ...'
 */
export function labelValueError(value: string): string | undefined {
  if (value.length > 63) return 'a label value must be no more than 63 characters';
  if (!LABEL_VALUE.test(value))
    return "a label value must be empty or consist of alphanumerics, '-', '_' or '.', and must start and end with an alphanumeric";
  return undefined;
}

/**
 * Go's strconv.ParseInt(s, 10, 64): an optional sign and ASCII digits within int64, else undefined.
 *
 * @example
 * parseInt64('9223372036854775807'); // 9223372036854775807n
 * parseInt64('1e3'); // undefined
 */
export function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? undefined : v;
}

function matchesRequirement(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = has ? labels[r.key]! : '';
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(v);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(v);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has) return false;
      const n = parseInt64(v);
      const bound = parseInt64(r.values[0] ?? '');
      if (n === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? n > bound : n < bound;
    }
  }
}

function requirementString(r: Requirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

function makeSelector(reqs: Requirement[]): Selector {
  const sorted = [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    matches: (labels) => sorted.every((r) => matchesRequirement(r, labels ?? {})),
    empty: () => sorted.length === 0,
    requirements: () => sorted.map((r) => ({ ...r, values: [...r.values] })),
    toString: () => sorted.map(requirementString).join(','),
  };
}

/** The selector that matches everything. */
export function everything(): Selector {
  return makeSelector([]);
}

/**
 * A selector requiring every key=value of a set.
 *
 * @example
 * selectorFromSet({ app: 'web' }).matches({ app: 'web', tier: 'x' }); // true
 */
export function selectorFromSet(set: Record<string, string>): Selector {
  return makeSelector(Object.entries(set).map(([key, v]) => ({ key, operator: '=', values: [v] })));
}

// ---- lexer: the token kinds of apimachinery's selector lexer ----

type TokenKind = 'end' | 'ident' | '=' | '==' | '!=' | '!' | '(' | ')' | ',' | '>' | '<' | 'in' | 'notin';

interface Token {
  kind: TokenKind;
  text: string;
  at: number;
}

const SYMBOLS = new Set<string>(['=', '==', '!=', '!', '(', ')', ',', '>', '<']);
const isSpecial = (c: string) =>
  c === '=' || c === '!' || c === '(' || c === ')' || c === ',' || c === '>' || c === '<';
const isWhitespace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** Splits a selector into tokens as Go's lexer does; a NUL character reads as the end. */
function lex(s: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  // Go's read(): the next byte, or 0 at the end (a NUL byte also reads as 0, but is consumed).
  const read = (): string => (pos < s.length ? s[pos++]! : '\0');
  for (;;) {
    let at = pos;
    let c = read();
    while (isWhitespace(c)) {
      at = pos;
      c = read();
    }
    if (c === '\0') {
      tokens.push({ kind: 'end', text: '', at });
      return tokens;
    }
    if (isSpecial(c)) {
      // The longest run of special characters that is still a known symbol.
      let text = c;
      for (;;) {
        const n = read();
        if (n === '\0') break;
        if (isSpecial(n) && SYMBOLS.has(text + n)) text += n;
        else {
          pos--;
          break;
        }
      }
      tokens.push({ kind: text as TokenKind, text, at });
      continue;
    }
    let text = c;
    for (;;) {
      const n = read();
      if (n === '\0') break;
      if (isSpecial(n) || isWhitespace(n)) {
        pos--;
        break;
      }
      text += n;
    }
    tokens.push({ kind: text === 'in' || text === 'notin' ? text : 'ident', text, at });
  }
}

/**
 * Parses a label selector as the apiserver does (labels.Parse): the same accepted and rejected
 * inputs, the same requirements.
 *
 * @example
 * parseSelector('env in (prod,staging),!canary').matches({ env: 'prod' }); // true
 * parseSelector('replicas>9223372036854775806').matches({ replicas: '9223372036854775807' }); // true
 */
export function parseSelector(selector: string): Selector {
  const tokens = lex(selector);
  let p = 0;
  const fail = (msg: string, at: number): never => {
    throw new LabelSelectorParseError(msg, selector, at);
  };
  /** The next token; in a value position `in` and `notin` are identifiers. */
  const peek = (values: boolean): Token => {
    const t = tokens[p]!;
    return values && (t.kind === 'in' || t.kind === 'notin') ? { ...t, kind: 'ident' } : t;
  };
  const next = (values: boolean): Token => {
    const t = peek(values);
    if (p < tokens.length - 1) p++;
    return t;
  };
  const found = (t: Token) => (t.kind === 'end' ? 'end of string' : `'${t.text}'`);

  const parseValues = (): string[] => {
    const open = next(true);
    if (open.kind !== '(') fail(`found ${found(open)}, expected: '('`, open.at);
    const first = peek(true);
    if (first.kind === ')') {
      next(true);
      return [''];
    }
    if (first.kind !== 'ident' && first.kind !== ',')
      fail(`found ${found(first)}, expected: ',', ')' or identifier`, first.at);
    const values = new Set<string>();
    for (;;) {
      const t = next(true);
      if (t.kind === 'ident') {
        values.add(t.text);
        const after = peek(true);
        if (after.kind === ',') continue;
        if (after.kind === ')') break;
        fail(`found ${found(after)}, expected: ',' or ')'`, after.at);
      } else if (t.kind === ',') {
        if (values.size === 0) values.add('');
        const after = peek(true);
        if (after.kind === ')') {
          values.add('');
          break;
        }
        if (after.kind === ',') {
          next(true);
          values.add('');
        }
      } else fail(`found ${found(t)}, expected: ',', or identifier`, t.at);
    }
    const close = next(true);
    if (close.kind !== ')') fail(`found ${found(close)}, expected: ')'`, close.at);
    return [...values].sort();
  };

  const parseRequirement = (): Requirement => {
    let t = next(true);
    let operator: LabelOperator | undefined;
    if (t.kind === '!') {
      operator = '!';
      t = next(true);
    }
    if (t.kind !== 'ident') fail(`found ${found(t)}, expected: identifier`, t.at);
    const key = t.text;
    const keyProblem = labelKeyError(key);
    if (keyProblem) fail(`invalid label key ${JSON.stringify(key)}: ${keyProblem}`, t.at);
    if (operator === '!') return { key, operator, values: [] };
    const after = peek(true);
    if (after.kind === 'end' || after.kind === ',') return { key, operator: 'exists', values: [] };
    const op = next(false);
    let values: string[];
    switch (op.kind) {
      case 'in':
      case 'notin':
        operator = op.kind;
        values = parseValues();
        break;
      case '=':
      case '==':
      case '!=':
      case '>':
      case '<': {
        operator = op.kind === '>' ? 'gt' : op.kind === '<' ? 'lt' : op.kind;
        const v = peek(true);
        if (v.kind === 'end' || v.kind === ',') values = [''];
        else {
          next(true);
          if (v.kind !== 'ident') fail(`found ${found(v)}, expected: identifier`, v.at);
          values = [v.text];
        }
        if ((operator === 'gt' || operator === 'lt') && parseInt64(values[0]!) === undefined)
          fail(
            `for 'Gt', 'Lt' operators, the value must be an integer, got ${JSON.stringify(values[0])}`,
            v.kind === 'end' || v.kind === ',' ? op.at + op.text.length : v.at,
          );
        break;
      }
      default:
        return fail(`found ${found(op)}, expected: in, notin, =, ==, !=, gt, lt`, op.at);
    }
    for (const v of values) {
      const problem = labelValueError(v);
      if (problem) fail(`invalid label value ${JSON.stringify(v)}: ${problem}`, op.at + op.text.length);
    }
    return { key, operator, values };
  };

  const reqs: Requirement[] = [];
  for (;;) {
    const t = peek(true);
    if (t.kind === 'end') break;
    if (t.kind !== 'ident' && t.kind !== '!')
      fail(`found ${found(t)}, expected: !, identifier, or 'end of string'`, t.at);
    reqs.push(parseRequirement());
    const sep = next(true);
    if (sep.kind === 'end') break;
    if (sep.kind !== ',') fail(`found ${found(sep)}, expected: ',' or 'end of string'`, sep.at);
    const after = peek(true);
    if (after.kind !== 'ident' && after.kind !== '!')
      fail(`found ${found(after)}, expected: identifier after ','`, after.at);
  }
  return makeSelector(reqs);
}
