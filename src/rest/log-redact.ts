// What the request log may show of headers and bodies: every credential replaced by REDACTED.
// Authorization-like headers are masked; in JSON bodies the values of credential fields anywhere
// (token, password, client keys: TokenReview spec.token, TokenRequest and ExecCredential status)
// and the data of Secrets (by kind, and every object sent to or read from a secrets URL, JSON
// patches included, with the last-applied annotation that copies the data) are replaced. A body
// that cannot be parsed (not JSON, or cut by the size bound) is shown only when it cannot hold one.
import { REDACTED, scrubCredentials } from './redact.js';

/** Header names whose value is a credential. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-remote-extra-token',
]);

/** Field names whose string value is a credential wherever it appears in a body. */
const SECRET_FIELDS = new Set([
  'token',
  'password',
  'bearertoken',
  'keydata',
  'clientkeydata',
  'client-key-data',
  'privatekey',
  'id-token',
  'refresh-token',
  'access-token',
  'client-secret',
]);

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Headers as the log shows them: credentials masked (`Bearer <masked>`, as kubectl -v=7 does).
 *
 * @example
 * redactHeaders({ authorization: 'Bearer abc' }); // { authorization: 'Bearer <masked>' }
 */
export function redactHeaders(headers: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (!SECRET_HEADERS.has(k.toLowerCase())) out[k] = v;
    else if (typeof v === 'string' && /^(bearer|basic)\s/i.test(v)) out[k] = `${v.split(/\s/, 1)[0]} <masked>`;
    else out[k] = '<masked>';
  }
  return out;
}

/** Whether a URL path names a resource whose bodies are credentials (Secrets, token requests and reviews). */
function sensitivePath(path: string): { secrets: boolean; any: boolean } {
  const segs = path.split('/');
  const secrets = segs.includes('secrets');
  const tokens = segs.includes('token') || segs.includes('tokenreviews');
  return { secrets, any: secrets || tokens };
}

function redactSecretObject(obj: Record<string, unknown>): void {
  for (const k of ['data', 'stringData']) {
    const d = obj[k];
    if (d && typeof d === 'object' && !Array.isArray(d)) {
      obj[k] = Object.fromEntries(Object.keys(d).map((key) => [key, REDACTED]));
    } else if (d !== undefined && d !== null) obj[k] = REDACTED;
  }
  const meta = obj.metadata as { annotations?: Record<string, unknown> } | undefined;
  if (meta?.annotations && typeof meta.annotations === 'object' && LAST_APPLIED in meta.annotations) {
    meta.annotations[LAST_APPLIED] = REDACTED;
  }
}

/** Redacts a parsed body in place; `asSecret`: the top-level value is a Secret (or a list or patch of them). */
function walk(value: unknown, asSecret: boolean): void {
  if (Array.isArray(value)) {
    for (const v of value) {
      // A JSON patch of a Secret: every value it sets may be data.
      if (asSecret && v && typeof v === 'object' && 'op' in v && 'value' in v)
        (v as { value: unknown }).value = REDACTED;
      walk(v, false);
    }
    return;
  }
  if (!value || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  if (asSecret || obj.kind === 'Secret') redactSecretObject(obj);
  const listOfSecrets = asSecret || obj.kind === 'SecretList';
  for (const [k, v] of Object.entries(obj)) {
    if (SECRET_FIELDS.has(k.toLowerCase()) && v !== null && typeof v !== 'object' && v !== '') obj[k] = REDACTED;
    else if (k === 'items' && Array.isArray(v) && listOfSecrets) for (const item of v) walk(item, true);
    else if (v && typeof v === 'object') walk(v, false);
  }
  // A watch event or a Table row of secrets: their objects are Secrets too.
  if (asSecret && obj.object && typeof obj.object === 'object') walk(obj.object, true);
}

/** Whether text holds control characters other than whitespace (protobuf, gzip): not worth printing. */
function isBinary(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 9 || (c > 13 && c < 32) || c === 0xfffd) return true;
  }
  return false;
}

/**
 * A request or response body as the log may show it, with every credential replaced by
 * {@link REDACTED}; `complete` is false when the body was cut (then JSON-looking text is withheld:
 * a half object cannot be redacted). `secrets` (the client's own credentials) are scrubbed from
 * whatever is shown.
 *
 * @example
 * redactBody('{"kind":"TokenReview","spec":{"token":"abc"}}', '/apis/authentication.k8s.io/v1/tokenreviews', true);
 * // '{"kind":"TokenReview","spec":{"token":"--- REDACTED ---"}}'
 */
export function redactBody(text: string, path: string, complete: boolean, secrets: readonly string[] = []): string {
  const sensitive = sensitivePath(path);
  const trimmed = text.trimStart();
  const looksJson = trimmed.startsWith('{') || trimmed.startsWith('[');
  if (complete && looksJson) {
    try {
      const parsed = JSON.parse(text) as unknown;
      walk(parsed, sensitive.secrets);
      return scrubCredentials(JSON.stringify(parsed), secrets);
    } catch {
      // not JSON after all: handled below
    }
  }
  if (looksJson || sensitive.any) return `[${Buffer.byteLength(text)} bytes not shown: they may hold credentials]`;
  if (isBinary(text)) return `[${Buffer.byteLength(text)} bytes of binary data]`;
  return scrubCredentials(text, secrets);
}
