// Turns a Config into an HTTP round trip on undici: TLS and proxy settings select a shared,
// keep-alive connection pool (one per distinct setting, as client-go caches transports); auth,
// impersonation and user-agent headers are added per request; middleware wraps the whole.
// node:crypto, node:zlib and node:fs/promises are taken on first use (process.getBuiltinModule),
// not at import time: importing kube-client should not cost what only requests need.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { defaultUserAgent, type Config, type TLSClientConfig } from './config.js';
import { Agent, ProxyAgent, request } from './undici.js';
import { ConfigError, RequestAbortedError, TransportError } from './errors.js';
import { execCredentials, type ExecCredentialStatus } from './exec-credentials.js';
import { chainMiddleware, type HttpRequest, type HttpResponse, type RoundTrip } from './http.js';
import { proxyFor } from './proxy-tunnel.js';
import { MAX_ERROR_BODY_BYTES, protectSecrets, scrubCredentials } from './redact.js';
import { toLogger } from '../util/log/global.js';
import type { Logger } from '../util/log/logger.js';

/** TLS options of a connection (PEM strings), as node:tls takes them. */
export interface ConnectionTls {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
  servername?: string;
}

/** A shared connection pool and how many round trips use it. */
interface Pool {
  dispatcher: Dispatcher;
  refs: number;
}

/** Pools by a hash of their TLS/proxy settings (the key material itself is never a map key). */
const dispatchers = new Map<string, Pool>();

function pem(data: string | Uint8Array | undefined, file: string | undefined, what: string): string | undefined {
  if (data !== undefined && data.length > 0)
    return typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

function tlsOptions(tls: TLSClientConfig | undefined, exec?: ExecCredentialStatus): ConnectionTls {
  const cert = exec?.clientCertificateData ?? pem(tls?.certData, tls?.certFile, 'client certificate');
  const key = exec?.clientKeyData ?? pem(tls?.keyData, tls?.keyFile, 'client key');
  if ((cert && !key) || (key && !cert))
    throw new ConfigError('a client certificate needs both a certificate and a key');
  if (tls?.insecure && (tls.caData || tls.caFile)) {
    throw new ConfigError('specifying a root certificates file with the insecure flag is not allowed');
  }
  return {
    ca: pem(tls?.caData, tls?.caFile, 'certificate authority'),
    cert,
    key,
    rejectUnauthorized: !tls?.insecure,
    servername: tls?.serverName || undefined,
  };
}

/**
 * The proxy a config's requests go through, as a URL string (or undefined): decided by
 * proxy-tunnel's proxyFor for the config's host, the same decision WebSocket upgrades use.
 */
function proxyOf(config: Config): string | undefined {
  if (!config.host) return undefined;
  return proxyFor(config, new URL(config.host.includes('://') ? config.host : `https://${config.host}`))?.href;
}

/** The pool key of these TLS/proxy settings. */
function poolKey(tls: ConnectionTls, proxy: string | undefined): string {
  return process
    .getBuiltinModule('node:crypto')
    .createHash('sha256')
    .update(JSON.stringify([tls, proxy]))
    .digest('hex');
}

/**
 * Takes a reference on the shared pool for these settings (created on first use). Every acquire
 * is paired with a {@link releasePool}: the last release closes the pool, so pools of settings no
 * longer used (an exec plugin's rotated client certificates, clients gone) do not pile up.
 */
function acquirePool(key: string, tls: ConnectionTls, proxy: string | undefined): Dispatcher {
  let pool = dispatchers.get(key);
  if (!pool) {
    const connect = { ...tls, keepAlive: true };
    const d: Dispatcher = proxy
      ? new ProxyAgent({ uri: proxy, requestTls: connect })
      : new Agent({ connect, keepAliveTimeout: 30_000 });
    pool = { dispatcher: d, refs: 0 };
    dispatchers.set(key, pool);
  }
  pool.refs++;
  return pool.dispatcher;
}

/**
 * Drops a reference; the pool is closed (after its requests in flight finish) when none is left.
 * Resolves once that close is done (at once when others still use the pool).
 */
function releasePool(key: string, dispatcher: Dispatcher): Promise<void> {
  const pool = dispatchers.get(key);
  if (!pool || pool.dispatcher !== dispatcher) return Promise.resolve(); // closed meanwhile by closeAllTransports
  if (--pool.refs > 0) return Promise.resolve();
  dispatchers.delete(key);
  return pool.dispatcher.close().catch(() => undefined);
}

/** What a round trip holds: the key and pool it uses now; `closed` once its owner closed it. */
interface PoolHold {
  key?: string;
  dispatcher?: Dispatcher;
  closed?: boolean;
}

/** Releases the pool of a round trip that was garbage collected without being closed. */
const poolFinalizer = new FinalizationRegistry<PoolHold>((hold) => {
  if (hold.key && hold.dispatcher) void releasePool(hold.key, hold.dispatcher);
});

/** The pool hold of each round trip made by {@link roundTripFor}, for {@link closeRoundTrip}. */
const roundTripHolds = new WeakMap<RoundTrip, PoolHold>();

/**
 * Closes a round trip made by {@link roundTripFor}: its reference on the shared connection pool is
 * dropped at once (the pool closes when no other round trip uses it, after the requests in flight
 * finish; the promise resolves then) and later requests through it fail with a TransportError of
 * code `CLIENT_CLOSED`. Closing twice, or a round trip not made here, does nothing.
 * RESTClient.close() and the clients built on it call this for the round trip they own.
 *
 * @example
 * const rt = roundTripFor(config);
 * // ... requests ...
 * await closeRoundTrip(rt); // transportPoolCount() drops when nothing else shares its pool
 */
export function closeRoundTrip(roundTrip: RoundTrip): Promise<void> {
  const hold = roundTripHolds.get(roundTrip);
  if (!hold || hold.closed) return Promise.resolve();
  hold.closed = true;
  poolFinalizer.unregister(hold);
  const { key, dispatcher } = hold;
  hold.key = undefined;
  hold.dispatcher = undefined;
  return key && dispatcher ? releasePool(key, dispatcher) : Promise.resolve();
}

/** The pool for `tls` held by `hold`, switching (and releasing the old one) when the settings changed. */
function holdPool(hold: PoolHold, tls: ConnectionTls, proxy: string | undefined): Dispatcher {
  const key = poolKey(tls, proxy);
  if (hold.key === key && hold.dispatcher && dispatchers.get(key)?.dispatcher === hold.dispatcher) {
    return hold.dispatcher;
  }
  const previous = { ...hold };
  hold.dispatcher = acquirePool(key, tls, proxy);
  hold.key = key;
  if (previous.key && previous.dispatcher) void releasePool(previous.key, previous.dispatcher);
  return hold.dispatcher;
}

/**
 * How many shared connection pools are open (one per distinct TLS/proxy setting in use).
 *
 * @example
 * transportPoolCount(); // 1 after the first request of a client
 */
export function transportPoolCount(): number {
  return dispatchers.size;
}

/** Closes every shared connection pool (lets a process exit at once; tests). */
export async function closeAllTransports(): Promise<void> {
  const all = [...dispatchers.values()];
  dispatchers.clear();
  await Promise.all(all.map((p) => p.dispatcher.close()));
}

/** A token read from its file is used this long (client-go: a 1 minute period less 10 s leeway). */
const TOKEN_FILE_REREAD_MS = 50_000;

/** Reads a token file, trimmed, again once the cached token is 50 s old (client-go's cachingTokenSource). */
class FileTokenSource {
  private token = '';
  private readAt = 0;
  constructor(private readonly file: string) {}
  /** The token; `fallback` (the config's bearerToken) stands in while the file never gave one. */
  async get(fallback?: string): Promise<string> {
    if (this.token && Date.now() - this.readAt < TOKEN_FILE_REREAD_MS) return this.token;
    let why = 'it is empty';
    try {
      const read = (await process.getBuiltinModule('node:fs/promises').readFile(this.file, 'utf8')).trim();
      if (read) {
        this.token = read;
        this.readAt = Date.now();
        return read;
      }
    } catch (err) {
      why = (err as NodeJS.ErrnoException).code ?? 'error';
    }
    // An unreadable or empty file keeps the last good token, else the fallback, as client-go does.
    if (this.token) return this.token;
    if (fallback) return fallback;
    throw new ConfigError(`cannot read bearer token file ${this.file}: ${why}`);
  }
}

const tokenSources = new Map<string, FileTokenSource>();

/** Whether `headers` has `name` (lower case), in any letter case. */
function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

/** client-go's headerKeyEscape: each byte that is not an HTTP token character, and '%', becomes %XX. */
function headerKeyEscape(key: string): string {
  let out = '';
  for (const b of Buffer.from(key, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /^[A-Za-z0-9!#$&'*+\-.^_`|~]$/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The Impersonate-* headers, unless the request impersonates on its own (client-go's
 * impersonatingRoundTripper). Each group and extra value is its own header line: the apiserver
 * reads the lines, so one comma-joined line would name a single group "a, b".
 */
function impersonationHeaders(config: Config, headers: Record<string, string | string[]>): void {
  const imp = config.impersonate;
  if (!imp || hasHeader(headers, 'impersonate-user')) return;
  if (imp.userName) headers['impersonate-user'] = imp.userName;
  if (imp.uid) headers['impersonate-uid'] = imp.uid;
  if (imp.groups && imp.groups.length > 0) headers['impersonate-group'] = [...imp.groups];
  for (const [k, values] of Object.entries(imp.extra ?? {})) {
    headers[`impersonate-extra-${headerKeyEscape(k)}`] = [...values];
  }
}

/** A gzip-compressed body, decompressed as it streams (same shape as undici's body). */
function gunzipBody(body: Readable): HttpResponse['body'] {
  const out = body.pipe(process.getBuiltinModule('node:zlib').createGunzip()) as unknown as Readable &
    HttpResponse['body'];
  body.on('error', (err) => out.destroy(err));
  const collect = async (): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const c of out) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  out.text = async () => (await collect()).toString('utf8');
  out.arrayBuffer = async () => {
    const b = await collect();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  };
  return out;
}

/**
 * The body of an error answer, read up to MAX_ERROR_BODY_BYTES (the rest is dropped with the
 * connection) and with the credentials this request sent scrubbed out: servers and proxies that
 * echo the Authorization header must not put it into StatusError messages.
 */
async function errorBody(body: HttpResponse['body'], secrets: readonly string[]): Promise<HttpResponse['body']> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const c = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      chunks.push(size + c.length > MAX_ERROR_BODY_BYTES ? c.subarray(0, MAX_ERROR_BODY_BYTES - size) : c);
      size += c.length;
      if (size >= MAX_ERROR_BODY_BYTES) break; // ends the iteration: the stream is destroyed
    }
  } catch {
    // A body cut short: what arrived is still worth quoting.
  }
  const raw = Buffer.concat(chunks).toString('utf8');
  const bytes = Buffer.from(secrets.length > 0 ? scrubCredentials(raw, secrets) : raw, 'utf8');
  return {
    async *[Symbol.asyncIterator]() {
      yield bytes;
    },
    text: async () => bytes.toString('utf8'),
    arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  };
}

/** The credential strings inside an Authorization header value, for scrubbing echoes of it. */
function authorizationSecrets(value: string): string[] {
  const [scheme, cred = ''] = value.split(/\s+/, 2);
  const out = [value, cred];
  if (scheme?.toLowerCase() === 'basic' && cred) {
    const plain = Buffer.from(cred, 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    out.push(plain);
    if (colon >= 0) out.push(plain.slice(colon + 1));
  }
  return out.filter((s) => s.length > 0);
}

/** The credential strings each answered request carried, for the request log to scrub from bodies. */
const credentialsSent = new WeakMap<HttpResponse, readonly string[]>();

/**
 * The credentials (token, basic-auth password) the transport sent with the request `res`
 * answers, so that a log of its body can scrub an echo of them; empty for other responses.
 *
 * @example
 * const secrets = sentCredentials(res);
 */
export function sentCredentials(res: HttpResponse): readonly string[] {
  return credentialsSent.get(res) ?? [];
}

/** Origins already warned about, per logger: the plain-HTTP warning is given once. */
const warnedPlainHttp = new WeakMap<Logger, Set<string>>();

/** Says once per logger and origin that credentials are withheld from a plain-HTTP server. */
function warnPlainHttp(config: Config, origin: string): void {
  const log = toLogger(config.logger);
  const seen = warnedPlainHttp.get(log) ?? new Set<string>();
  warnedPlainHttp.set(log, seen);
  if (seen.has(origin)) return;
  seen.add(origin);
  log.warn(`kube-client: not sending the configured credentials to ${origin}: it is plain http, not https`);
}

/**
 * Adds a config's credentials to one request's headers and says which TLS settings it goes out
 * with: the part of the transport that HTTP requests and WebSocket upgrades share.
 */
export type Credentials = (
  headers: Record<string, string | string[]>,
  refreshExec: boolean,
  /** The request's URL (plain http/ws gets no credentials), method and abort signal. */
  target?: { url: URL; method?: string; signal?: AbortSignal },
) => Promise<{ tls: ConnectionTls; execPlugin: boolean }>;

/**
 * The credentials of a config (client-go's auth round trippers): a token file wins over
 * bearerToken, which stands in while the file cannot be read; an exec plugin gives a token and/or
 * a client certificate; basic auth needs a username (the password may be empty); then the
 * Impersonate-* headers and the user agent. A request with its own Authorization header keeps it.
 *
 * @example
 * const creds = credentialsFor(config);
 * const headers = {};
 * const { tls } = await creds(headers, false); // headers.authorization is set now
 */
export function credentialsFor(config: Config): Credentials {
  if (!config.host) throw new ConfigError('config.host is empty: say which apiserver to talk to');
  protectSecrets(config);
  const fixedTls = config.execProvider ? undefined : tlsOptions(config.tls);
  const tokenFile = config.bearerTokenFile;
  if (tokenFile && !tokenSources.has(tokenFile)) tokenSources.set(tokenFile, new FileTokenSource(tokenFile));
  const userAgent = config.userAgent || defaultUserAgent();
  const clusterInfo = {
    server: config.host,
    certificateAuthorityData: pem(config.tls?.caData, config.tls?.caFile, 'certificate authority'),
    insecureSkipTLSVerify: config.tls?.insecure,
  };
  const hasCredentials = Boolean(
    config.execProvider || tokenFile || config.bearerToken || config.username || config.password,
  );
  return async (headers, refreshExec, target) => {
    if (!hasHeader(headers, 'user-agent')) headers['user-agent'] = userAgent;
    const ownAuth = hasHeader(headers, 'authorization');
    let tls = fixedTls;
    const plain = target?.url.protocol === 'http:' || target?.url.protocol === 'ws:';
    if (!ownAuth && plain && hasCredentials) {
      warnPlainHttp(config, target!.url.origin);
      tls ??= tlsOptions(config.tls);
    } else if (config.execProvider) {
      let creds: ExecCredentialStatus;
      try {
        creds = await execCredentials(config.execProvider, clusterInfo, refreshExec, target?.signal);
      } catch (err) {
        if (!target?.signal?.aborted) throw err;
        const safeUrl = `${target.url.origin}${target.url.pathname}`;
        const what = `${target.method ?? 'request'} ${safeUrl}`;
        throw new RequestAbortedError(`${what} was aborted while its exec plugin ran`, safeUrl, { cause: err });
      }
      if (creds.token && !ownAuth) headers.authorization = `Bearer ${creds.token}`;
      tls = tlsOptions(config.tls, creds);
    } else if (ownAuth) {
      // the request's own credentials
    } else if (tokenFile) {
      headers.authorization = `Bearer ${await tokenSources.get(tokenFile)!.get(config.bearerToken)}`;
    } else if (config.bearerToken) {
      headers.authorization = `Bearer ${config.bearerToken}`;
    } else if (config.username) {
      headers.authorization = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}`;
    }
    impersonationHeaders(config, headers);
    return { tls: tls!, execPlugin: Boolean(config.execProvider) && !ownAuth };
  };
}

/** The error of a request through a closed round trip. */
function clientClosed(req: HttpRequest): TransportError {
  const safeUrl = `${req.url.origin}${req.url.pathname}`;
  return new TransportError(`${req.method} ${safeUrl} failed: the client was closed`, safeUrl, {
    code: 'CLIENT_CLOSED',
  });
}

/** Builds the HTTP round trip for a Config (auth, TLS, proxy, impersonation, middleware). */
export function roundTripFor(config: Config): RoundTrip {
  const credentials = credentialsFor(config);
  const acceptEncoding: Record<string, string> = config.disableCompression ? {} : { 'accept-encoding': 'gzip' };
  const clusterInfo = {
    server: config.host,
    certificateAuthorityData: pem(config.tls?.caData, config.tls?.caFile, 'certificate authority'),
    insecureSkipTLSVerify: config.tls?.insecure,
  };
  // Without an exec plugin the TLS settings never change: pick the pool once, not per request.
  // With an exec plugin, the pool follows the plugin's current client certificate.
  const hold: PoolHold = {};
  const proxy = proxyOf(config);
  if (!config.execProvider) holdPool(hold, tlsOptions(config.tls), proxy);
  const fixedDispatcher = hold.dispatcher;
  const send = async (req: HttpRequest, refreshExec: boolean): Promise<HttpResponse> => {
    if (hold.closed) throw clientClosed(req);
    const headers: Record<string, string | string[]> = {
      'user-agent': config.userAgent || defaultUserAgent(),
      ...acceptEncoding,
      ...req.headers,
    };
    const { tls } = await credentials(headers, refreshExec, { url: req.url, method: req.method, signal: req.signal });
    const auth =
      headers.authorization ?? Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
    const sent = typeof auth === 'string' ? authorizationSecrets(auth) : [];
    if (config.password) sent.push(config.password);
    if (hold.closed) throw clientClosed(req); // closed while the credentials were fetched

    try {
      const res = await request(req.url, {
        method: req.method as Dispatcher.HttpMethod,
        headers,
        body: req.body,
        signal: req.signal,
        dispatcher: fixedDispatcher ?? holdPool(hold, tls, proxy),
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      const encoding = res.headers['content-encoding'];
      const body = encoding === 'gzip' ? gunzipBody(res.body) : res.body;
      // Warning headers are printed by the default handler: never with a credential in them.
      const warning = res.headers.warning;
      if (warning !== undefined && sent.length > 0) {
        res.headers.warning = Array.isArray(warning)
          ? warning.map((w) => scrubCredentials(w, sent))
          : scrubCredentials(warning, sent);
      }
      if (res.statusCode >= 400) {
        const bounded = await errorBody(body, sent);
        if (!res.body.readableEnded) res.body.destroy(); // unread rest of an oversized body
        return { status: res.statusCode, headers: res.headers, body: bounded };
      }
      const ok: HttpResponse = { status: res.statusCode, headers: res.headers, body, dump: () => res.body.dump() };
      if (sent.length > 0) credentialsSent.set(ok, sent);
      return ok;
    } catch (err) {
      const safeUrl = `${req.url.origin}${req.url.pathname}`;
      if (req.signal?.aborted) {
        throw new RequestAbortedError(
          `${req.method} ${safeUrl} was aborted: ${String(req.signal.reason?.message ?? req.signal.reason)}`,
          safeUrl,
          {
            cause: err,
          },
        );
      }
      const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
      const code = e.code ?? e.cause?.code;
      throw new TransportError(`${req.method} ${safeUrl} failed: ${code ? `${code} ` : ''}${e.message}`, safeUrl, {
        cause: err,
        code,
      });
    }
  };

  const inner: RoundTrip = async (req) => {
    const res = await send(req, false);
    if (
      res.status === 401 &&
      config.execProvider &&
      req.url.protocol !== 'http:' &&
      !hasHeader(req.headers, 'authorization')
    ) {
      // The plugin's credentials were rejected: run it again, and resend once if the body allows
      // (a stream is spent; its request fails and the next one uses the new credentials).
      if (req.body instanceof Readable) {
        await execCredentials(config.execProvider, clusterInfo, true).catch(() => undefined);
        return res;
      }
      await res.dump?.();
      return send(req, true);
    }
    return res;
  };
  const roundTrip = chainMiddleware(config.middleware ?? [], inner);
  poolFinalizer.register(roundTrip, hold, hold);
  roundTripHolds.set(roundTrip, hold);
  return roundTrip;
}
