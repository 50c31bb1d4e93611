// Turns a Config into an HTTP round trip on undici: TLS and proxy settings select a shared,
// keep-alive connection pool (one per distinct setting, as client-go caches transports); auth,
// impersonation and user-agent headers are added per request; middleware wraps the whole.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { defaultUserAgent, type Config, type TLSClientConfig } from './config.js';
import { Agent, EnvHttpProxyAgent, ProxyAgent, request } from './undici.js';
import { ConfigError, RequestAbortedError, TransportError } from './errors.js';
import { execCredentials, type ExecCredentialStatus } from './exec-credentials.js';
import { chainMiddleware, type HttpRequest, type HttpResponse, type RoundTrip } from './http.js';

/** TLS options of a connection (PEM strings), as node:tls takes them. */
export interface ConnectionTls {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
  servername?: string;
}

const dispatchers = new Map<string, Dispatcher>();

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

function proxyEnvSet(): boolean {
  const e = process.env;
  return Boolean(e.HTTPS_PROXY || e.https_proxy || e.HTTP_PROXY || e.http_proxy);
}

/** The shared dispatcher for these TLS/proxy settings (created on first use, kept for reuse). */
function dispatcherFor(tls: ConnectionTls, proxy: Config['proxy']): Dispatcher {
  const useEnv = (proxy === undefined || proxy === 'env') && proxyEnvSet();
  const key = JSON.stringify([tls, useEnv ? 'env' : proxy === 'env' ? undefined : proxy]);
  let d = dispatchers.get(key);
  if (!d) {
    const connect = { ...tls, keepAlive: true };
    if (typeof proxy === 'string' && proxy !== 'env') d = new ProxyAgent({ uri: proxy, requestTls: connect });
    else if (useEnv)
      d = new EnvHttpProxyAgent({ connect, requestTls: connect } as ConstructorParameters<typeof EnvHttpProxyAgent>[0]);
    else d = new Agent({ connect, keepAliveTimeout: 30_000 });
    dispatchers.set(key, d);
  }
  return d;
}

/** Closes every shared connection pool (lets a process exit at once; tests). */
export async function closeAllTransports(): Promise<void> {
  const all = [...dispatchers.values()];
  dispatchers.clear();
  await Promise.all(all.map((d) => d.close()));
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
      const read = (await readFile(this.file, 'utf8')).trim();
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
  const out = body.pipe(createGunzip()) as unknown as Readable & HttpResponse['body'];
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
 * Adds a config's credentials to one request's headers and says which TLS settings it goes out
 * with: the part of the transport that HTTP requests and WebSocket upgrades share.
 */
export type Credentials = (
  headers: Record<string, string | string[]>,
  refreshExec: boolean,
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
  const fixedTls = config.execProvider ? undefined : tlsOptions(config.tls);
  const tokenFile = config.bearerTokenFile;
  if (tokenFile && !tokenSources.has(tokenFile)) tokenSources.set(tokenFile, new FileTokenSource(tokenFile));
  const userAgent = config.userAgent || defaultUserAgent();
  const clusterInfo = {
    server: config.host,
    certificateAuthorityData: pem(config.tls?.caData, config.tls?.caFile, 'certificate authority'),
    insecureSkipTLSVerify: config.tls?.insecure,
  };
  return async (headers, refreshExec) => {
    if (!hasHeader(headers, 'user-agent')) headers['user-agent'] = userAgent;
    const ownAuth = hasHeader(headers, 'authorization');
    let tls = fixedTls;
    if (config.execProvider) {
      const creds = await execCredentials(config.execProvider, clusterInfo, refreshExec);
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
  const fixedDispatcher = config.execProvider ? undefined : dispatcherFor(tlsOptions(config.tls), config.proxy);
  const send = async (req: HttpRequest, refreshExec: boolean): Promise<HttpResponse> => {
    const headers: Record<string, string | string[]> = {
      'user-agent': config.userAgent || defaultUserAgent(),
      ...acceptEncoding,
      ...req.headers,
    };
    const { tls } = await credentials(headers, refreshExec);
    try {
      const res = await request(req.url, {
        method: req.method as Dispatcher.HttpMethod,
        headers,
        body: req.body,
        signal: req.signal,
        dispatcher: fixedDispatcher ?? dispatcherFor(tls, config.proxy),
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      const encoding = res.headers['content-encoding'];
      return {
        status: res.statusCode,
        headers: res.headers,
        body: encoding === 'gzip' ? gunzipBody(res.body) : res.body,
        dump: () => res.body.dump(),
      };
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
      });
    }
  };

  const inner: RoundTrip = async (req) => {
    const res = await send(req, false);
    if (res.status === 401 && config.execProvider && !hasHeader(req.headers, 'authorization')) {
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
  return chainMiddleware(config.middleware ?? [], inner);
}
