// The one place that decides which proxy a request goes through (proxyFor: the config's own, or
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY), used by the HTTP pools (transport.ts hands the URL to
// undici's ProxyAgent) and by WebSocket upgrades, which need a raw tunnel: an HTTP CONNECT through
// an HTTP(S) proxy, or undici's SOCKS5 client for socks5:// proxies (as the HTTP path uses it).
/// <reference path="./undici-modules.d.ts" />
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

/** undici's SOCKS5 agent: its createSocks5Connection opens one tunnel (the agent's pools stay unused). */
interface Socks5Agent {
  createSocks5Connection(host: string, port: number): Promise<Socket>;
  close(): Promise<void>;
}

/** A tunnel through a SOCKS5 proxy (credentials from the proxy URL), by undici's SOCKS5 client. */
async function socksTunnel(proxy: URL, host: string, port: number, signal?: AbortSignal): Promise<Socket> {
  const failed = (why: string, cause?: unknown) =>
    new TransportError(`the SOCKS5 proxy ${safeProxy(proxy)} could not connect: ${why}`, safeProxy(proxy), {
      cause,
    });
  if (signal?.aborted) throw failed('aborted');
  const { default: Socks5ProxyAgent } = (await import('undici/lib/dispatcher/socks5-proxy-agent.js')) as {
    default: new (url: string) => Socks5Agent;
  };
  const agent = new Socks5ProxyAgent(proxy.href);
  let onAbort: (() => void) | undefined;
  try {
    const socket = agent.createSocks5Connection(host, port);
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(failed('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    socket.then(
      (s) => signal?.aborted && s.destroy(),
      () => undefined,
    );
    return await Promise.race([socket, aborted]);
  } catch (err) {
    if (err instanceof TransportError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw failed(e.code ?? e.message, err);
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    void agent.close().catch(() => undefined);
  }
}

/**
 * Opens a tunnel to `host:port` through a proxy and resolves with the raw socket: CONNECT through
 * an HTTP(S) proxy (basic credentials from the proxy URL go in Proxy-Authorization), or a SOCKS5
 * CONNECT through a `socks5://` proxy.
 *
 * @example
 * const socket = await connectTunnel(new URL('http://proxy:3128'), '10.0.0.1', 6443);
 */
export function connectTunnel(proxy: URL, host: string, port: number, signal?: AbortSignal): Promise<Socket> {
  if (proxy.protocol === 'socks5:' || proxy.protocol === 'socks:') return socksTunnel(proxy, host, port, signal);
  const headers: Record<string, string> = { host: `${host}:${port}` };
  if (proxy.username) {
    const user = decodeURIComponent(proxy.username);
    const pass = decodeURIComponent(proxy.password);
    headers['proxy-authorization'] = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  // node:http(s) on first use: most programs never tunnel.
  const send =
    proxy.protocol === 'https:'
      ? process.getBuiltinModule('node:https').request
      : process.getBuiltinModule('node:http').request;
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
