// Field selectors as the apiserver reads them (apimachinery's fields package): `key=value`,
// `key==value`, `key!=value`, comma-separated, empty terms skipped, `\` escaping of `\`, `,` and `=`
// in values (any other escape is an error), a missing field reading as the empty string.

/** One field requirement. */
export interface FieldRequirement {
  field: string;
  operator: '=' | '==' | '!=';
  value: string;
}

/** A parsed field selector. */
export interface FieldSelector {
  matches(fields: Record<string, string>): boolean;
  empty(): boolean;
  requirements(): FieldRequirement[];
  toString(): string;
}

/** A field selector that does not parse. */
export class FieldSelectorParseError extends Error {
  override readonly name = 'FieldSelectorParseError';
}

/** Escapes `\`, `,` and `=` in a value. */
export function escapeFieldValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');
}

function make(reqs: FieldRequirement[]): FieldSelector {
  // A missing field reads as the empty string (Go's fields.Set.Get).
  const get = (fields: Record<string, string>, f: string) => (Object.hasOwn(fields, f) ? fields[f]! : '');
  return {
    matches: (fields) =>
      reqs.every((r) => (r.operator === '!=' ? get(fields, r.field) !== r.value : get(fields, r.field) === r.value)),
    empty: () => reqs.length === 0,
    requirements: () => reqs.map((r) => ({ ...r })),
    toString: () => reqs.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(','),
  };
}

/** Go's splitTerms: splits on commas that no backslash escapes (the backslashes stay). */
function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

const OPERATORS = ['!=', '==', '='] as const;

/** Go's UnescapeValue: `\\`, `\,` and `\=` are the only escapes; an unescaped `,` or `=` is an error. */
function unescapeValue(raw: string, selector: string, term: string): string {
  let value = '';
  let escaped = false;
  for (const c of raw) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=')
        throw new FieldSelectorParseError(
          `invalid selector: '${selector}'; invalid escape sequence '\\${c}' in '${term}'`,
        );
      value += c;
      escaped = false;
    } else if (c === '\\') escaped = true;
    else if (c === ',' || c === '=')
      throw new FieldSelectorParseError(`invalid selector: '${selector}'; unescaped ${c} in value of '${term}'`);
    else value += c;
  }
  if (escaped) throw new FieldSelectorParseError(`invalid selector: '${selector}'; value of '${term}' ends with '\\'`);
  return value;
}

/**
 * Parses a field selector as the apiserver does (fields.ParseSelector): terms split on unescaped
 * commas, empty terms skipped (`a=b,,c!=d` is valid; ``, `,` and `=` select everything), each term split
 * at its first `!=`, `==` or `=`, values unescaped strictly. A field name that is empty or holds
 * whitespace is refused here: the server parses it but no resource has such a field, so every
 * request with it fails there. Which fields a resource supports is the server's business (ConfigMaps:
 * `metadata.name` and `metadata.namespace`).
 *
 * @example
 * parseFieldSelector('metadata.name=web,status.phase!=Failed').matches({ 'metadata.name': 'web', 'status.phase': 'Running' }); // true
 * parseFieldSelector('metadata.name=a\\,b,').requirements(); // [{ field: 'metadata.name', operator: '=', value: 'a,b' }]
 */
export function parseFieldSelector(selector: string): FieldSelector {
  const reqs: FieldRequirement[] = [];
  for (const term of splitTerms(selector)) {
    if (term === '') continue;
    let at = -1;
    let op: FieldRequirement['operator'] = '=';
    for (let i = 0; i < term.length && at < 0; i++) {
      const found = OPERATORS.find((o) => term.startsWith(o, i));
      if (found) {
        at = i;
        op = found;
      }
    }
    if (at < 0) throw new FieldSelectorParseError(`invalid selector: '${selector}'; can't understand '${term}'`);
    const field = term.slice(0, at);
    const value = unescapeValue(term.slice(at + op.length), selector, term);
    // The server turns a term whose field and value are both empty (`=`, `==`, `!=`) into
    // "everything" (Go's hasTerm/notHasTerm Transform), so it selects every object there too.
    if (field === '' && value === '') continue;
    if (field === '' || /\s/.test(field))
      throw new FieldSelectorParseError(
        `invalid selector: '${selector}'; field name ${JSON.stringify(field)} of '${term}' is empty or holds whitespace`,
      );
    reqs.push({ field, operator: op, value });
  }
  return make(reqs);
}

/**
 * `field=value` as a selector.
 *
 * @example
 * oneTermEqualSelector('metadata.name', 'a,b').toString(); // 'metadata.name=a\\,b'
 */
export function oneTermEqualSelector(field: string, value: string): FieldSelector {
  return make([{ field, operator: '=', value }]);
}
