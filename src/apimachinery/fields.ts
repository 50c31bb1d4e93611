// Field selectors: `key=value`, `key==value`, `key!=value`, comma-separated, with `\` escaping of
// `\`, `,` and `=` in values, as client-go's fields package.

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
  return {
    matches: (fields) =>
      reqs.every((r) => (r.operator === '!=' ? fields[r.field] !== r.value : fields[r.field] === r.value)),
    empty: () => reqs.length === 0,
    requirements: () => reqs.map((r) => ({ ...r })),
    toString: () => reqs.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(','),
  };
}

/**
 * Parses a field selector.
 *
 * @example
 * parseFieldSelector('metadata.name=web,status.phase!=Failed').matches({ 'metadata.name': 'web', 'status.phase': 'Running' }); // true
 */
export function parseFieldSelector(selector: string): FieldSelector {
  const reqs: FieldRequirement[] = [];
  if (selector.trim() === '') return make(reqs);
  // Split on unescaped commas.
  const terms: string[] = [];
  let cur = '';
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i]!;
    if (c === '\\' && i + 1 < selector.length) {
      cur += c + selector[++i];
    } else if (c === ',') {
      terms.push(cur);
      cur = '';
    } else cur += c;
  }
  terms.push(cur);
  for (const term of terms) {
    // `s`: a value may contain line breaks (escapeFieldValue keeps them); a blank field has no canonical form.
    const m = /^([^=!\\]+)(==|!=|=)(.*)$/s.exec(term);
    if (!m || m[1]!.trim() === '')
      throw new FieldSelectorParseError(`invalid selector: '${selector}'; can't understand '${term}'`);
    let value = '';
    const raw = m[3]!;
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === '\\' && i + 1 < raw.length) value += raw[++i];
      else if (raw[i] === '=')
        throw new FieldSelectorParseError(`invalid selector: '${selector}'; unescaped = in value of '${term}'`);
      else value += raw[i];
    }
    reqs.push({ field: m[1]!.trim(), operator: m[2] as FieldRequirement['operator'], value });
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
