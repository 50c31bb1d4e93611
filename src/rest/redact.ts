// Keeping credentials out of printed objects and error texts. `redacted` copies a value with every
// secret replaced (client-go's Config.String / GoString: bearer token, password, key data, exec
// args and env, auth-provider config, proxy passwords); `protectSecrets` makes util.inspect,
// console.log, JSON.stringify and toString of an object show that copy while its own fields stay
// usable; `scrubCredentials` removes credentials that were sent from text a server answered with.

/** What a secret is replaced with (client-go's marker). */
export const REDACTED = '--- REDACTED ---';

/** Field names whose value is a secret wherever they appear (Config, kubeconfig, exec results). */
const SECRET_KEYS = new Set([
  'bearerToken',
  'token',
  'password',
  'keyData',
  'clientKeyData',
  'client-key-data',
  'id-token',
  'refresh-token',
  'access-token',
  'client-secret',
]);
/** Objects under these keys are exec plugin configs: their args and env are hidden, as in client-go. */
const EXEC_KEYS = new Set(['exec', 'execProvider']);
/** URL-valued fields whose userinfo password is hidden. */
const URL_KEYS = new Set(['proxy', 'proxy-url', 'host', 'server']);

const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

function isSecretValue(v: unknown): boolean {
  return (typeof v === 'string' && v.length > 0) || (v instanceof Uint8Array && v.length > 0);
}

function withoutUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:)[^/?#@]*@/i, `$1${encodeURIComponent(REDACTED)}@`);
}

function copy(value: unknown, key: string, inExec: boolean, seen: WeakMap<object, unknown>): unknown {
  if (SECRET_KEYS.has(key) && isSecretValue(value)) return REDACTED;
  if (typeof value === 'string') return URL_KEYS.has(key) ? withoutUrlPassword(value) : value;
  if (value === null || typeof value !== 'object') return value;
  if (inExec && (key === 'args' || key === 'env') && Array.isArray(value) && value.length > 0) return [REDACTED];
  const proto = Object.getPrototypeOf(value);
  const plain = Array.isArray(value) || proto === Object.prototype || proto === null;
  if (!plain) return value;
  const done = seen.get(value);
  if (done) return done;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const v of value) out.push(copy(v, '', inExec, seen));
    return out;
  }
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  const exec = EXEC_KEYS.has(key);
  for (const [k, v] of Object.entries(value)) {
    // auth-provider config: all values are tokens or client secrets.
    if (key === 'auth-provider' && k === 'config' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.keys(v).map((n) => [n, REDACTED]));
      continue;
    }
    out[k] = copy(v, k, exec, seen);
  }
  return out;
}

/**
 * A copy of `value` (plain objects and arrays, deeply) with every secret replaced by
 * {@link REDACTED}; other objects (class instances, functions) are kept as they are.
 *
 * @example
 * redacted({ host: 'https://k', bearerToken: 'abc' }); // { host: 'https://k', bearerToken: '--- REDACTED ---' }
 */
export function redacted<T>(value: T): T {
  return copy(value, '', false, new WeakMap()) as T;
}

/**
 * Makes util.inspect / console.log, JSON.stringify and String() of `target` show its
 * {@link redacted} copy; nested plain objects that hold a secret (tls, exec, users) are protected
 * too (`deep: false`: only `target`, whatever it holds). The object
 * itself and its fields are unchanged (the hooks are non-enumerable, so spreading copies no
 * hook and no secret is lost). Frozen or sealed objects are left alone. Returns `target`.
 *
 * @example
 * const config = protectSecrets({ host, bearerToken: token });
 * console.log(config); // { host: '...', bearerToken: '--- REDACTED ---' }
 */
export function protectSecrets<T>(target: T, options: { deep?: boolean } = {}): T {
  if (options.deep === false) defineHooks(target, '');
  else protect(target, '', new WeakSet());
  return target;
}

/**
 * Gives `target` and every plain object below it that holds a secret the printing hooks (objects
 * without one, like the clusters of a large kubeconfig, are left as they are: cheaper). `key`: the
 * field that holds `target` (an exec config's args and env are secret, say). Returns whether
 * `target` holds a secret.
 */
function protect(target: unknown, key: string, seen: WeakSet<object>): boolean {
  if (SECRET_KEYS.has(key) && isSecretValue(target)) return true;
  if (typeof target === 'string') return URL_KEYS.has(key) && withoutUrlPassword(target) !== target;
  if (target === null || typeof target !== 'object') return false;
  if (EXEC_KEYS.has(key) || key === 'auth-provider') {
    if (seen.has(target)) return true;
  } else if (seen.has(target)) return Object.hasOwn(target, inspectCustom);
  seen.add(target);
  const proto = Object.getPrototypeOf(target);
  let secret = EXEC_KEYS.has(key) || key === 'auth-provider';
  if (Array.isArray(target)) {
    for (const v of target) if (protect(v, key, seen)) secret = true;
    return secret;
  }
  if (proto !== Object.prototype && proto !== null) return false;
  for (const [k, v] of Object.entries(target)) if (protect(v, k, seen)) secret = true;
  if (secret) defineHooks(target, key);
  return secret;
}

/** Puts the printing hooks on a plain object (once; never on a frozen or sealed one). */
function defineHooks(target: unknown, key: string): void {
  if (target === null || typeof target !== 'object' || Array.isArray(target)) return;
  if (!Object.isExtensible(target) || Object.hasOwn(target, inspectCustom)) return;
  const show = (value: unknown) => copy(value, key, false, new WeakMap());
  Object.defineProperties(target, {
    [inspectCustom]: {
      value(this: unknown, depth: number, options: object, inspect: (v: unknown, o: object) => string) {
        return inspect(show(this), { ...options, depth });
      },
      enumerable: false,
      configurable: true,
      writable: true,
    },
    toJSON: {
      value(this: unknown) {
        return show(this);
      },
      enumerable: false,
      configurable: true,
      writable: true,
    },
    toString: {
      value(this: unknown) {
        return JSON.stringify(show(this));
      },
      enumerable: false,
      configurable: true,
      writable: true,
    },
  });
}

/** Bodies of error answers are read up to this many bytes (the rest is discarded). */
export const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/**
 * The forms in which a credential may be echoed back: as sent, JSON-escaped and URL-encoded.
 *
 * @example
 * credentialForms(['p"w']); // ['p"w', 'p\\"w', 'p%22w']
 */
export function credentialForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
    forms.add(encodeURIComponent(s));
  }
  // Longest first, so that "Bearer abc" goes before "abc".
  return [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
}

/**
 * `text` with every form of every credential replaced by {@link REDACTED}.
 *
 * @example
 * scrubCredentials('invalid bearer token abc123', ['abc123']); // 'invalid bearer token --- REDACTED ---'
 */
export function scrubCredentials(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const f of credentialForms(secrets)) if (out.includes(f)) out = out.split(f).join(REDACTED);
  return out;
}
