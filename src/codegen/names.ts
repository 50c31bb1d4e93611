// Names the generator gives things: TypeScript identifiers guarded against reserved words and the
// predefined type names, PascalCase parts for nested types, and per-module name registries that
// hand out each name once.

/** Words that cannot name an interface or type alias (reserved words and predefined type names). */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally ' +
    'for function if import in instanceof new null return super switch this throw true try typeof var void ' +
    'while with implements interface let package private protected public static yield any unknown never ' +
    'object string number boolean symbol bigint undefined as asserts async await declare from get infer is ' +
    'keyof module namespace readonly require set type unique global of satisfies accessor out intrinsic'
  ).split(' '),
);

/**
 * TypeScript's global type names that a kind may well be called (Crossplane has a `Record`).
 * Generated type modules refer to none of them (arrays are `T[]`, maps index signatures), so a
 * kind keeps such a name without shadowing anything the module needs; tests check the output
 * against this list.
 */
export const TS_GLOBAL_TYPES: ReadonlySet<string> = new Set(
  (
    'Array ReadonlyArray Record Partial Required Readonly Pick Omit Exclude Extract NonNullable Parameters ' +
    'ReturnType InstanceType Awaited Promise PromiseLike Map Set WeakMap WeakSet Date RegExp Error Object ' +
    'String Number Boolean Symbol Function JSON Math Uppercase Lowercase Capitalize Uncapitalize ThisType ' +
    'Iterable Iterator AsyncIterable AsyncIterator ArrayLike PropertyKey'
  ).split(' '),
);

/**
 * A copy of `s` that shares no memory with the text it was cut from. V8 keeps a whole parsed
 * document alive for as long as any substring of it lives; names kept across documents are
 * detached so that memory stays bounded on large inputs.
 *
 * @example
 * registry.add(detach(kind));
 */
export function detach(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

/**
 * A usable type name from any text: invalid characters dropped (the next letter upper-cased), a
 * leading digit prefixed with `_`, a reserved word or predefined type name suffixed with `_`.
 *
 * @example
 * typeIdentifier('my-kind'); // 'myKind'
 * typeIdentifier('string'); // 'string_'
 */
export function typeIdentifier(text: string): string {
  let out = text.replace(/[^A-Za-z0-9_$]+([A-Za-z0-9_$]?)/g, (_m, c: string) => c.toUpperCase());
  if (out === '') out = '_';
  if (/^[0-9]/.test(out)) out = `_${out}`;
  return RESERVED.has(out) ? `${out}_` : out;
}

/**
 * The PascalCase form of a property name for a nested type name, as kopium does:
 * `rules` -> `Rules`, `backend-refs` -> `BackendRefs`, `x.y` -> `XY`, `$ref` -> `Ref`.
 *
 * @example
 * pascalPart('backendRefs'); // 'BackendRefs'
 */
export function pascalPart(key: string): string {
  const words = key.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/**
 * Hands out names once within one scope (one TypeScript module or namespace): a taken name gets
 * the first free numeric suffix (`Foo`, `Foo2`, `Foo3`), reserved names are never handed out.
 *
 * @example
 * const names = new NameRegistry(['Widget']);
 * names.claim('WidgetSpec'); // 'WidgetSpec'
 * names.claim('WidgetSpec'); // 'WidgetSpec2'
 */
export class NameRegistry {
  private readonly taken = new Set<string>();
  private readonly lower = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.add(r);
  }

  private add(name: string): void {
    this.taken.add(detach(name));
    this.lower.add(detach(name.toLowerCase()));
  }

  /** True when `name` is taken (exactly). */
  has(name: string): boolean {
    return this.taken.has(name);
  }

  /** Claims `wanted` or, when taken, its first free numbered variant; returns the claimed name. */
  claim(wanted: string): string {
    const base = typeIdentifier(wanted);
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}${i}`;
    this.add(name);
    return name;
  }

  /** Claims `name` exactly; false when it is taken (or differs only in case, when `caseless`). */
  claimExact(name: string, caseless = false): boolean {
    if (this.taken.has(name) || (caseless && this.lower.has(name.toLowerCase()))) return false;
    this.add(name);
    return true;
  }
}
