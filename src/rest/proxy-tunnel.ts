// Proxies for connections the HTTP pool does not carry (WebSocket upgrades): which proxy a config
// picks for a URL (its own, or HTTPS_PROXY / HTTP_PROXY / NO_PROXY as undici's EnvHttpProxyAgent
// reads them), and an HTTP CONNECT tunnel through it.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Config } from './config.js';
import { ConfigError, TransportError } from './errors.js';

/** Time allowed for the proxy to answer CONNECT. */
const CONNECT_TIMEOUT_MS = 30_000;

function envProxy(target: URL): string | undefined {
  const e = process.env;
  const raw =
    target.protocol === 'https:' || target.protocol === 'wss:'
      ? e.HTTPS_PROXY || e.https_proxy || e.HTTP_PROXY || e.http_proxy
      : e.HTTP_PROXY || e.http_proxy;
  if (!raw) return undefined;
  const noProxy = (e.NO_PROXY ?? e.no_proxy ?? '').trim();
  if (noProxy === '*') return undefined;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' || target.protocol === 'wss:' ? '443' : '80');
  for (const entry of noProxy.split(/[,\s]+/).filter(Boolean)) {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (!m) continue;
    const name = m[1]!
      .replace(/^\[|\]$/g, '')
      .replace(/^\*?\./, '')
      .toLowerCase();
    if (m[2] && m[2] !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return undefined;
  }
  return raw;
}

/**
 * The proxy a request to `target` goes through: the config's own URL, the environment's
 * (`proxy` unset or `'env'`), or none (`false`, or NO_PROXY matches).
 *
 * @example
 * proxyFor(config, new URL('https://10.0.0.1:6443/api')); // URL of the proxy, or undefined
 */
export function proxyFor(config: Pick<Config, 'proxy'>, target: URL): URL | undefined {
  const raw =
    config.proxy === false ? undefined : config.proxy && config.proxy !== 'env' ? config.proxy : envProxy(target);
  if (!raw) return undefined;
  try {
    return new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw new ConfigError('the proxy URL is not a valid URL');
  }
}

/** The proxy's address without credentials (for messages). */
function safeProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

/**
 * Opens a tunnel to `host:port` through an HTTP(S) proxy with CONNECT (basic credentials from the
 * proxy URL go in Proxy-Authorization) and resolves with the raw socket.
 *
 * @example
 * const socket = await connectTunnel(new URL('http://proxy:3128'), '10.0.0.1', 6443);
 */
export function connectTunnel(proxy: URL, host: string, port: number, signal?: AbortSignal): Promise<Socket> {
  const headers: Record<string, string> = { host: `${host}:${port}` };
  if (proxy.username) {
    const user = decodeURIComponent(proxy.username);
    const pass = decodeURIComponent(proxy.password);
    headers['proxy-authorization'] = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  const send = proxy.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Socket>((resolve, reject) => {
    const req = send({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: `${host.includes(':') ? `[${host}]` : host}:${port}`,
      headers,
      agent: false,
      signal,
      timeout: CONNECT_TIMEOUT_MS,
    });
    req.once('connect', (res, socket) => {
      if (res.statusCode === 200) {
        resolve(socket);
        return;
      }
      socket.destroy();
      reject(
        new TransportError(
          `the proxy ${safeProxy(proxy)} refused CONNECT with HTTP ${res.statusCode}`,
          safeProxy(proxy),
        ),
      );
    });
    req.once('timeout', () => req.destroy(new Error('no answer to CONNECT in time')));
    req.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new TransportError(
          `CONNECT through the proxy ${safeProxy(proxy)} failed: ${err.code ?? err.message}`,
          safeProxy(proxy),
          {
            cause: err,
          },
        ),
      ),
    );
    req.end();
  });
}
