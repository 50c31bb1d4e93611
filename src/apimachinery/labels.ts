// Label selectors: client-go's grammar (`=`, `==`, `!=`, `in`, `notin`, exists, `!key`, `>`, `<`),
// matching, a canonical string form, and parse errors that point at the offending position.

/** Operators of a requirement. */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** One requirement, e.g. `env in (prod,staging)`. */
export interface Requirement {
  key: string;
  operator: LabelOperator;
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

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function matchesRequirement(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = labels[r.key];
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(v!);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(v!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has) return false;
      const n = Number(v);
      if (!Number.isInteger(n)) return false;
      const bound = Number(r.values[0]);
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
      return `${r.key} ${r.operator} (${[...r.values].sort().join(',')})`;
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

/**
 * Parses a label selector.
 *
 * @example
 * parseSelector('env in (prod,staging),!canary').matches({ env: 'prod' }); // true
 */
export function parseSelector(selector: string): Selector {
  const s = selector;
  let i = 0;
  const reqs: Requirement[] = [];
  const fail = (msg: string, at = i): never => {
    throw new LabelSelectorParseError(msg, s, at);
  };
  const ws = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const word = (): [string, number] => {
    ws();
    const start = i;
    while (i < s.length && /[A-Za-z0-9./_-]/.test(s[i]!)) i++;
    return [s.slice(start, i), start];
  };
  const checkKey = (k: string, at: number) => {
    if (!KEY.test(k) || k.split('/').pop()!.length > 63) fail(`invalid label key ${JSON.stringify(k)}`, at);
  };
  const checkValue = (v: string, at: number) => {
    if (v.length > 63 || !VALUE.test(v)) fail(`invalid label value ${JSON.stringify(v)}`, at);
  };
  ws();
  if (i >= s.length) return everything();
  for (;;) {
    ws();
    if (s[i] === '!') {
      i++;
      const [key, at] = word();
      checkKey(key, at);
      reqs.push({ key, operator: '!', values: [] });
    } else {
      const [key, at] = word();
      if (!key) fail('found no label key, expected a key');
      checkKey(key, at);
      ws();
      const rest = s.slice(i);
      let op: LabelOperator | undefined;
      if (rest.startsWith('==')) op = '==';
      else if (rest.startsWith('!=')) op = '!=';
      else if (rest.startsWith('=')) op = '=';
      else if (rest.startsWith('>')) op = 'gt';
      else if (rest.startsWith('<')) op = 'lt';
      else if (/^notin\s*\(/.test(rest)) op = 'notin';
      else if (/^in\s*\(/.test(rest)) op = 'in';
      if (!op) {
        if (i >= s.length || s[i] === ',') reqs.push({ key, operator: 'exists', values: [] });
        else fail(`found ${JSON.stringify(s[i])}, expected one of =, ==, !=, in, notin, >, < or ,`);
      } else if (op === 'in' || op === 'notin') {
        i = s.indexOf('(', i) + 1;
        const values: string[] = [];
        for (;;) {
          const [v, vat] = word();
          checkValue(v, vat);
          values.push(v);
          ws();
          if (s[i] === ',') {
            i++;
            continue;
          }
          if (s[i] === ')') {
            i++;
            break;
          }
          fail(`found ${JSON.stringify(s[i] ?? 'end of string')}, expected , or )`);
        }
        reqs.push({ key, operator: op, values });
      } else {
        i += op === '==' || op === '!=' ? 2 : 1;
        const [v, vat] = word();
        if (op === 'gt' || op === 'lt') {
          if (!/^-?\d+$/.test(v))
            fail(`for 'Gt', 'Lt' operators, the value must be an integer, got ${JSON.stringify(v)}`, vat);
        } else checkValue(v, vat);
        reqs.push({ key, operator: op, values: [v] });
      }
    }
    ws();
    if (i >= s.length) break;
    if (s[i] !== ',') fail(`found ${JSON.stringify(s[i])}, expected ,`);
    i++;
  }
  return makeSelector(reqs);
}
