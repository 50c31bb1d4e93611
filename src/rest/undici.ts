// The parts of undici the transport uses: the agents and the request API. undici's index also
// loads fetch, WebSocket, caches, mocks and interceptors, which more than doubles its import time
// (about 85 ms against 35 ms on Node 24, paid by every program before its first request). These
// modules have kept their paths across undici 6 and 7; test/unit/rest/request.test.ts pins them.
// undici's index also puts its API methods (request, connect, ...) on Dispatcher.prototype; the
// proxy agents tunnel with `client.connect(...)`, so that one method is installed here as well
// (test/unit/rest/proxy.test.ts checks it in a process that never loads undici's index).
/// <reference path="./undici-modules.d.ts" />
import type { Dispatcher } from 'undici';
import type * as Undici from 'undici';
import AgentModule from 'undici/lib/dispatcher/agent.js';
import EnvHttpProxyAgentModule from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import ProxyAgentModule from 'undici/lib/dispatcher/proxy-agent.js';
import connectModule from 'undici/lib/api/api-connect.js';
import requestModule from 'undici/lib/api/api-request.js';
import DispatcherModule from 'undici/lib/dispatcher/dispatcher.js';

// What undici's index does with `Object.assign(Dispatcher.prototype, api)`, for `connect` only (the
// same function, so loading the index too changes nothing).
const dispatcherPrototype = (DispatcherModule as { prototype: Record<string, unknown> }).prototype;
if (typeof dispatcherPrototype.connect !== 'function') dispatcherPrototype.connect = connectModule;

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
