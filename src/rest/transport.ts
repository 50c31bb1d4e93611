// Turns a Config into an HTTP round trip on undici: TLS and proxy settings select a shared,
// keep-alive connection pool (one per distinct setting, as client-go caches transports); auth,
// impersonation and user-agent headers are added per request; middleware wraps the whole.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { defaultUserAgent, type Config, type TLSClientConfig } from './config.js';
import { Agent, EnvHttpProxyAgent, ProxyAgent, request } from './undici.js';
import { ConfigError, RequestAbortedError, TransportError } from './errors.js';
import { execCredentials, type ExecCredentialStatus } from './exec-credentials.js';
import { chainMiddleware, type HttpRequest, type HttpResponse, type RoundTrip } from './http.js';

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

interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
  servername?: string;
}

function tlsOptions(tls: TLSClientConfig | undefined, exec?: ExecCredentialStatus): TlsOptions {
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
function dispatcherFor(tls: TlsOptions, proxy: Config['proxy']): Dispatcher {
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

/** Reads a token file at most once a minute (client-go's cachingTokenSource). */
class FileTokenSource {
  private token = '';
  private readAt = 0;
  constructor(private readonly file: string) {}
  async get(): Promise<string> {
    if (this.token && Date.now() - this.readAt < 60_000) return this.token;
    try {
      this.token = (await readFile(this.file, 'utf8')).trim();
      this.readAt = Date.now();
    } catch (err) {
      if (!this.token) {
        throw new ConfigError(
          `cannot read bearer token file ${this.file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
        );
      }
      // keep the last good token when a re-read fails, as client-go does
    }
    return this.token;
  }
}

const tokenSources = new Map<string, FileTokenSource>();

function impersonationHeaders(config: Config, headers: Record<string, string>): void {
  const imp = config.impersonate;
  if (!imp) return;
  if (imp.userName) headers['impersonate-user'] = imp.userName;
  if (imp.uid) headers['impersonate-uid'] = imp.uid;
  if (imp.groups && imp.groups.length > 0) headers['impersonate-group'] = imp.groups.join(', ');
  for (const [k, values] of Object.entries(imp.extra ?? {})) {
    headers[`impersonate-extra-${encodeURIComponent(k).toLowerCase()}`] = values.join(', ');
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

/** Builds the HTTP round trip for a Config (auth, TLS, proxy, impersonation, middleware). */
export function roundTripFor(config: Config): RoundTrip {
  if (!config.host) throw new ConfigError('config.host is empty: say which apiserver to talk to');
  const fixedTls = config.execProvider ? undefined : tlsOptions(config.tls);
  const tokenFile = config.bearerTokenFile;
  if (tokenFile && !tokenSources.has(tokenFile)) tokenSources.set(tokenFile, new FileTokenSource(tokenFile));
  const userAgent = config.userAgent || defaultUserAgent();
  const acceptEncoding: Record<string, string> = config.disableCompression ? {} : { 'accept-encoding': 'gzip' };
  const clusterInfo = {
    server: config.host,
    certificateAuthorityData: pem(config.tls?.caData, config.tls?.caFile, 'certificate authority'),
    insecureSkipTLSVerify: config.tls?.insecure,
  };

  // Without an exec plugin the TLS settings never change: pick the pool once, not per request.
  const fixedDispatcher = fixedTls ? dispatcherFor(fixedTls, config.proxy) : undefined;
  const send = async (req: HttpRequest, refreshExec: boolean): Promise<HttpResponse> => {
    const headers: Record<string, string> = { 'user-agent': userAgent, ...acceptEncoding, ...req.headers };
    let tls = fixedTls;
    if (config.execProvider) {
      const creds = await execCredentials(config.execProvider, clusterInfo, refreshExec);
      if (creds.token) headers.authorization = `Bearer ${creds.token}`;
      tls = tlsOptions(config.tls, creds);
    } else if (config.bearerToken) {
      headers.authorization = `Bearer ${config.bearerToken}`;
    } else if (tokenFile) {
      headers.authorization = `Bearer ${await tokenSources.get(tokenFile)!.get()}`;
    } else if (config.username !== undefined && config.password !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${config.username}:${config.password}`).toString('base64')}`;
    }
    impersonationHeaders(config, headers);
    try {
      const res = await request(req.url, {
        method: req.method as Dispatcher.HttpMethod,
        headers,
        body: req.body,
        signal: req.signal,
        dispatcher: fixedDispatcher ?? dispatcherFor(tls!, config.proxy),
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
    if (res.status === 401 && config.execProvider) {
      await res.dump?.();
      return send(req, true); // the plugin's credentials were rejected: run it again once
    }
    return res;
  };
  return chainMiddleware(config.middleware ?? [], inner);
}
