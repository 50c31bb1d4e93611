// A fast path for the YAML that CRD files hold (block maps and sequences, plain, quoted and block
// scalars, empty flow collections, comments), from the yaml package's concrete syntax tree,
// skipping its document model, which costs about two thirds of its parse time. Anything else
// (anchors, aliases, tags, explicit keys, flow collections with content, duplicate keys, errors)
// returns undefined, and the caller parses the document fully.
import { CST, Parser } from 'yaml';

/** Thrown inside the walker when the document needs the full parser. */
const FALLBACK = Symbol('fallback');

const NULL = /^(?:~|null|Null|NULL)?$/;
const BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const OCT = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const INF = /^[-+]?\.(?:inf|Inf|INF)$/;
const NAN = /^\.(?:nan|NaN|NAN)$/;

/** A plain scalar under YAML 1.2's core schema (the yaml package's default). */
function plain(s: string): unknown {
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (INT.test(s)) return Number(s);
  if (OCT.test(s)) return Number.parseInt(s.slice(2), 8);
  if (HEX.test(s)) return Number.parseInt(s.slice(2), 16);
  if (FLOAT.test(s)) return Number(s);
  if (INF.test(s)) return s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (NAN.test(s)) return Number.NaN;
  return s;
}

const PLAIN_PROPS = new Set([
  'space',
  'comment',
  'newline',
  'seq-item-ind',
  'map-value-ind',
  'doc-start',
  'block-scalar-header',
]);

function checkProps(tokens: CST.SourceToken[] | undefined): void {
  for (const t of tokens ?? []) if (!PLAIN_PROPS.has(t.type)) throw FALLBACK;
}

function value(token: CST.Token | null | undefined): unknown {
  if (!token) return null;
  switch (token.type) {
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
    case 'block-scalar': {
      if (token.type === 'block-scalar') checkProps(token.props as CST.SourceToken[]);
      else checkProps(token.end);
      let failed = false;
      const r = CST.resolveAsScalar(token, true, () => {
        failed = true;
      });
      if (failed) throw FALLBACK;
      return token.type === 'scalar' ? plain(r.value) : r.value;
    }
    case 'block-map': {
      const out: Record<string, unknown> = {};
      for (const item of token.items) {
        if (item.explicitKey) throw FALLBACK;
        checkProps(item.start);
        checkProps(item.sep);
        const k = item.key;
        if (!k || (k.type !== 'scalar' && k.type !== 'single-quoted-scalar' && k.type !== 'double-quoted-scalar')) {
          throw FALLBACK;
        }
        const key = value(k);
        if (key === null || typeof key === 'object') throw FALLBACK;
        const name = String(key);
        if (Object.hasOwn(out, name) || name === '__proto__') throw FALLBACK;
        out[name] = value(item.value);
      }
      return out;
    }
    case 'block-seq':
      return token.items.map((item) => {
        checkProps(item.start);
        return value(item.value);
      });
    case 'flow-collection': {
      // Only the empty ones ({} and []) that CRDs write for `status: {}`.
      for (const item of token.items) {
        if (item.key !== undefined || item.value !== undefined || item.sep !== undefined) throw FALLBACK;
        checkProps(item.start);
      }
      checkProps(token.end.filter((t) => t.type !== 'flow-map-end' && t.type !== 'flow-seq-end'));
      return token.start.type === 'flow-map-start' ? {} : [];
    }
    default:
      throw FALLBACK;
  }
}

/**
 * The value of one YAML document (text with at most one document), or undefined when the text
 * uses anything outside the subset above (the caller then parses it with the full parser, which
 * also reports any error).
 *
 * @example
 * fastYamlValue('a: [1]'); // undefined (a flow sequence with content)
 * fastYamlValue('a:\n  - 1\n'); // { a: [1] }
 */
export function fastYamlValue(text: string): unknown {
  let result: unknown;
  let documents = 0;
  try {
    for (const token of new Parser().parse(text)) {
      if (token.type === 'comment' || token.type === 'space' || token.type === 'newline') continue;
      if (token.type !== 'document' || ++documents > 1) return undefined;
      checkProps(token.start);
      checkProps(token.end);
      result = value(token.value);
    }
  } catch (err) {
    if (err === FALLBACK) return undefined;
    throw err;
  }
  return documents === 1 ? result : undefined;
}
