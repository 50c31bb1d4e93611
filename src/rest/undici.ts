// The parts of undici the transport uses: the agents and the request API. undici's index also
// loads fetch, WebSocket, caches, mocks and interceptors, which more than doubles its import time
// (about 85 ms against 35 ms on Node 24, paid by every program before its first request). These
// modules have kept their paths across undici 6 and 7; test/unit/rest/request.test.ts pins them.
// undici's index also puts its API methods (request, connect, ...) on Dispatcher.prototype; the
// proxy agents tunnel with `client.connect(...)`, so that one method is installed here as well
// (test/unit/rest/proxy.test.ts checks it in a process that never loads undici's index).
/// <reference path="./undici-modules.d.ts" />
// These modules are loaded on first use (the first client pool or request), not when kube-client is
// imported: a program that never sends a request does not pay for them.
import type { Dispatcher } from 'undici';
import type * as Undici from 'undici';
import { loadDependency } from '../util/platform/node-require.js';

interface UndiciParts {
  Agent: typeof Undici.Agent;
  ProxyAgent: typeof Undici.ProxyAgent;
  EnvHttpProxyAgent: typeof Undici.EnvHttpProxyAgent;
  request: (this: Dispatcher, opts: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
}
let parts: UndiciParts | undefined;

function undici(): UndiciParts {
  if (parts) return parts;
  // Literal require calls (see util/platform/node-require.ts): bundlers see and bundle these modules.
  // What undici's index does with `Object.assign(Dispatcher.prototype, api)`, for `connect` only
  // (the same function, so loading the index too changes nothing).
  const dispatcherPrototype = (
    loadDependency('undici/lib/dispatcher/dispatcher.js', () => require('undici/lib/dispatcher/dispatcher.js')) as {
      prototype: Record<string, unknown>;
    }
  ).prototype;
  if (typeof dispatcherPrototype.connect !== 'function')
    dispatcherPrototype.connect = loadDependency('undici/lib/api/api-connect.js', () =>
      require('undici/lib/api/api-connect.js'),
    );
  parts = {
    Agent: loadDependency('undici/lib/dispatcher/agent.js', () =>
      require('undici/lib/dispatcher/agent.js'),
    ) as typeof Undici.Agent,
    ProxyAgent: loadDependency('undici/lib/dispatcher/proxy-agent.js', () =>
      require('undici/lib/dispatcher/proxy-agent.js'),
    ) as typeof Undici.ProxyAgent,
    EnvHttpProxyAgent: loadDependency('undici/lib/dispatcher/env-http-proxy-agent.js', () =>
      require('undici/lib/dispatcher/env-http-proxy-agent.js'),
    ) as typeof Undici.EnvHttpProxyAgent,
    request: loadDependency('undici/lib/api/api-request.js', () =>
      require('undici/lib/api/api-request.js'),
    ) as UndiciParts['request'],
  };
  return parts;
}

/** A stand-in for one of undici's classes that loads undici when first constructed (`new Agent(...)`). */
function lazyClass<C extends abstract new (...args: never[]) => object>(pick: (u: UndiciParts) => C): C {
  return new Proxy(function LazyUndiciClass() {}, {
    construct: (_target, args) => new (pick(undici()) as unknown as new (...a: unknown[]) => object)(...args),
    get: (_target, prop) => Reflect.get(pick(undici()), prop),
  }) as unknown as C;
}

/** undici's Agent (a connection pool per origin). */
export const Agent = lazyClass((u) => u.Agent);
/** undici's ProxyAgent. */
export const ProxyAgent = lazyClass((u) => u.ProxyAgent);
/** undici's EnvHttpProxyAgent (HTTPS_PROXY / HTTP_PROXY / NO_PROXY). */
export const EnvHttpProxyAgent = lazyClass((u) => u.EnvHttpProxyAgent);

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
  return undici().request.call(dispatcher, { ...rest, origin: url.origin, path });
}
