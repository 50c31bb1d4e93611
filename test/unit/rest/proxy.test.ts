// Proxies: config.proxy, kubeconfig proxy-url and HTTPS_PROXY/NO_PROXY tunnel HTTPS through a
// real CONNECT proxy (and a SOCKS5 one) on loopback. This file must never import undici's index:
// that index installs Dispatcher.prototype.connect itself and would hide a partial load without it
// (vitest runs each test file in its own process).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configForContext } from '../../../src/clientcmd/load.js';
import type { Config } from '../../../src/rest/config.js';
import { TransportError } from '../../../src/rest/errors.js';
import { unversionedRESTClientFor } from '../../../src/rest/rest-client.js';
import { closeAllTransports } from '../../../src/rest/transport.js';
import { startConnectProxy, startSocks5Proxy, type TestProxy } from '../../support/connect-proxy.js';
import { json } from '../../support/fake-server.js';
import { type KeyPair, selfSignedCert, startTlsServer, type TlsServer } from '../../support/tls-server.js';

let pair: KeyPair;
const cleanups: Array<() => Promise<void> | void> = [];
const envKeys = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];

beforeAll(() => {
  pair = selfSignedCert();
});

afterEach(async () => {
  await closeAllTransports();
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setEnv(values: Record<string, string>): void {
  const saved = Object.fromEntries(envKeys.map((k) => [k, process.env[k]]));
  for (const k of envKeys) delete process.env[k];
  Object.assign(process.env, values);
  cleanups.push(() => {
    for (const k of envKeys) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
}

async function apiserver(): Promise<TlsServer> {
  const server = await startTlsServer(
    (req, res) => json(res, 200, { gitVersion: 'v1.20.2', auth: req.headers.authorization ?? '' }),
    pair,
  );
  cleanups.push(server.close);
  return server;
}

async function proxy(kind: 'connect' | 'socks5', auth?: string): Promise<TestProxy> {
  const p = kind === 'connect' ? await startConnectProxy({ auth }) : await startSocks5Proxy({ auth });
  cleanups.push(p.close);
  return p;
}

async function version(config: Config): Promise<{ gitVersion: string; auth: string }> {
  return (await unversionedRESTClientFor(config).get().absPath('/version').do()).into();
}

describe('proxies', () => {
  it('the undici parts are complete: Dispatcher.prototype.connect exists without undici index', async () => {
    const { Agent } = await import('../../../src/rest/undici.js');
    await new Agent().close(); // undici's modules are loaded on first use
    const { default: Dispatcher } = (await import('undici/lib/dispatcher/dispatcher.js')) as unknown as {
      default: { prototype: { connect?: unknown } };
    };
    expect(typeof Dispatcher.prototype.connect).toBe('function');
  });

  it('config.proxy tunnels https through an http CONNECT proxy; the token goes to the server only', async () => {
    const server = await apiserver();
    const p = await proxy('connect');
    const host = new URL(server.url).host;
    const v = await version({ host: server.url, tls: { caData: server.ca }, bearerToken: 'tok-123', proxy: p.url });
    expect(v).toEqual({ gitVersion: 'v1.20.2', auth: 'Bearer tok-123' });
    expect(p.targets).toEqual([host]);
  });

  it('proxy credentials in the proxy URL are sent; wrong ones fail without quoting them', async () => {
    const server = await apiserver();
    const p = await proxy('connect', 'alice:s3cret-proxy');
    const base: Config = { host: server.url, tls: { caData: server.ca }, maxRetries: 0 };
    expect((await version({ ...base, proxy: `http://alice:s3cret-proxy@127.0.0.1:${p.port}` })).gitVersion).toBe(
      'v1.20.2',
    );
    const err = await version({ ...base, proxy: `http://alice:wrong-pass@127.0.0.1:${p.port}` }).catch((e) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(`${err.message} ${err.stack}`).not.toContain('wrong-pass');
    expect(p.refused).toBe(1);
  });

  it('kubeconfig proxy-url is used', async () => {
    const server = await apiserver();
    const p = await proxy('connect');
    const { config } = configForContext({
      clusters: [
        {
          name: 'c',
          cluster: {
            server: server.url,
            'certificate-authority-data': Buffer.from(server.ca).toString('base64'),
            'proxy-url': p.url,
          },
        },
      ],
      users: [{ name: 'u', user: { token: 'kc-token' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    });
    expect(await version(config)).toEqual({ gitVersion: 'v1.20.2', auth: 'Bearer kc-token' });
    expect(p.targets).toHaveLength(1);
  });

  it('HTTPS_PROXY is honoured, and NO_PROXY bypasses it', async () => {
    const server = await apiserver();
    const p = await proxy('connect');
    setEnv({ HTTPS_PROXY: p.url });
    expect((await version({ host: server.url, tls: { caData: server.ca } })).gitVersion).toBe('v1.20.2');
    expect(p.targets).toHaveLength(1);
    await closeAllTransports();
    setEnv({ HTTPS_PROXY: p.url, NO_PROXY: '127.0.0.1' });
    expect((await version({ host: server.url, tls: { caData: server.ca } })).gitVersion).toBe('v1.20.2');
    expect(p.targets).toHaveLength(1);
    await closeAllTransports();
    // proxy: false ignores the environment.
    setEnv({ HTTPS_PROXY: p.url });
    expect((await version({ host: server.url, tls: { caData: server.ca }, proxy: false })).gitVersion).toBe('v1.20.2');
    expect(p.targets).toHaveLength(1);
  });

  it('a SOCKS5 proxy works (undici supports socks5:// proxy URLs), with and without credentials', async () => {
    const server = await apiserver();
    const p = await proxy('socks5');
    expect((await version({ host: server.url, tls: { caData: server.ca }, proxy: p.url })).gitVersion).toBe('v1.20.2');
    expect(p.targets).toEqual([new URL(server.url).host]);
    const q = await proxy('socks5', 'bob:socks-pw');
    const proxyUrl = `socks5://bob:socks-pw@127.0.0.1:${q.port}`;
    expect((await version({ host: server.url, tls: { caData: server.ca }, proxy: proxyUrl })).gitVersion).toBe(
      'v1.20.2',
    );
    expect(q.targets).toHaveLength(1);
  });

  it('the server certificate is still verified through the proxy', async () => {
    const server = await apiserver();
    const p = await proxy('connect');
    const err = await version({ host: server.url, proxy: p.url, maxRetries: 0 }).catch((e) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(p.targets).toHaveLength(1);
  });
});
