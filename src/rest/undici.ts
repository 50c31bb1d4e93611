// The parts of undici the transport uses: the agents and the request API. undici's index also
// loads fetch, WebSocket, caches, mocks and interceptors, which more than doubles its import time
// (about 85 ms against 35 ms on Node 24, paid by every program before its first request). These
// modules have kept their paths across undici 6 and 7; test/unit/rest/request.test.ts pins them.
/// <reference path="./undici-modules.d.ts" />
import type { Dispatcher } from 'undici';
import type * as Undici from 'undici';
import AgentModule from 'undici/lib/dispatcher/agent.js';
import EnvHttpProxyAgentModule from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import ProxyAgentModule from 'undici/lib/dispatcher/proxy-agent.js';
import requestModule from 'undici/lib/api/api-request.js';

/** undici's Agent (a connection pool per origin). */
export const Agent = AgentModule as unknown as typeof Undici.Agent;
/** undici's ProxyAgent. */
export const ProxyAgent = ProxyAgentModule as unknown as typeof Undici.ProxyAgent;
/** undici's EnvHttpProxyAgent (HTTPS_PROXY / HTTP_PROXY / NO_PROXY). */
export const EnvHttpProxyAgent = EnvHttpProxyAgentModule as unknown as typeof Undici.EnvHttpProxyAgent;

type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Dispatcher };

/**
 * undici's `request(url, options)` on a given dispatcher.
 *
 * @example
 * const res = await request(new URL('https://127.0.0.1:6443/version'), { method: 'GET', dispatcher: new Agent() });
 */
export function request(url: URL, options: RequestOptions): Promise<Dispatcher.ResponseData> {
  const { dispatcher, ...rest } = options;
  const path = url.search ? `${url.pathname}${url.search}` : url.pathname;
  const send = requestModule as unknown as (
    this: Dispatcher,
    opts: Dispatcher.RequestOptions,
  ) => Promise<Dispatcher.ResponseData>;
  return send.call(dispatcher, { ...rest, origin: url.origin, path });
}
