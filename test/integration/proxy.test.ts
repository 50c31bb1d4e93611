// Proxies against the real kube-apiserver: HTTPS tunnelled through a CONNECT proxy on loopback
// (config.proxy, kubeconfig proxy-url, HTTPS_PROXY with NO_PROXY), with and without proxy
// credentials, and through a SOCKS5 proxy; requests, errors and a watch all pass the tunnel.
// This file reads the control plane facts with inject() and never loads undici's index (the
// shared support module does), so a partial undici load without `connect` would fail here.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { isNotFound } from '../../src/apimachinery/errors.js';
import { configForContext, type LoadedConfig, loadKubeConfig } from '../../src/clientcmd/index.js';
import { Clientset } from '../../src/kubernetes/index.js';
import { type Config, closeAllTransports, TransportError } from '../../src/rest/index.js';
import { startConnectProxy, startSocks5Proxy, type TestProxy } from '../support/connect-proxy.js';

const cp = inject('controlPlane');
const target = `${cp.host}:${cp.port}`;
const envKeys = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];
const savedEnv = Object.fromEntries(envKeys.map((k) => [k, process.env[k]]));

let loaded: LoadedConfig;
const proxies: TestProxy[] = [];
beforeAll(() => {
  loaded = loadKubeConfig({ path: cp.kubeconfigPath, context: 'envtest' });
});
afterEach(async () => {
  for (const k of envKeys) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
  await closeAllTransports();
});
afterAll(async () => {
  for (const p of proxies) await p.close();
});

async function proxy(kind: 'connect' | 'socks5', auth?: string): Promise<TestProxy> {
  const p = kind === 'connect' ? await startConnectProxy({ auth }) : await startSocks5Proxy({ auth });
  proxies.push(p);
  return p;
}

async function serverVersion(config: Config): Promise<string> {
  const v = await Clientset.forConfig({ ...config, qps: -1 })
    .coreV1.restClient.get()
    .absPath('/version')
    .do();
  return v.into<{ gitVersion: string }>().gitVersion;
}

describe('proxies in front of kube-apiserver', () => {
  it('config.proxy: CRUD, a typed error and a watch through an http CONNECT proxy', async () => {
    const p = await proxy('connect');
    const cs = Clientset.forConfig({ ...loaded.config, proxy: p.url, qps: -1 });
    const name = `proxied-${randomBytes(4).toString('hex')}`;
    const cms = cs.coreV1.configMaps('default');
    const created = await cms.create({ metadata: { name }, data: { a: '1' } });
    try {
      const watch = await cms.watch({
        resourceVersion: created.metadata!.resourceVersion,
        fieldSelector: `metadata.name=${name}`,
      });
      await cms.patch(name, 'application/merge-patch+json', { data: { a: '2' } });
      for await (const ev of watch) {
        expect(ev.type).toBe('MODIFIED');
        break;
      }
      watch.stop();
      const err = await cms.get(`${name}-missing`).catch((e: unknown) => e);
      expect(isNotFound(err)).toBe(true);
    } finally {
      await cms.delete(name);
    }
    expect(p.targets.length).toBeGreaterThanOrEqual(1);
    expect(new Set(p.targets)).toEqual(new Set([target]));
  });

  it('proxy credentials: accepted when right, a TransportError without them when wrong', async () => {
    const p = await proxy('connect', 'kube:proxy-pass');
    const url = new URL(p.url);
    url.username = 'kube';
    url.password = 'proxy-pass';
    expect(await serverVersion({ ...loaded.config, proxy: url.href })).toBe(cp.version);
    url.password = 'wrong-pass';
    const err = await serverVersion({ ...loaded.config, proxy: url.href, maxRetries: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(String((err as Error).message)).not.toContain('wrong-pass');
    expect(p.refused).toBe(1);
  });

  it('kubeconfig proxy-url', async () => {
    const p = await proxy('connect');
    const raw = structuredClone(loaded.raw);
    for (const c of raw.clusters ?? []) c.cluster['proxy-url'] = p.url;
    const { config } = configForContext(raw, { context: 'envtest' });
    expect(config.proxy).toBe(p.url);
    expect(await serverVersion(config)).toBe(cp.version);
    expect(p.targets).toEqual([target]);
  });

  it('HTTPS_PROXY from the environment, and NO_PROXY going around it', async () => {
    const p = await proxy('connect');
    process.env.HTTPS_PROXY = p.url;
    expect(await serverVersion(loaded.config)).toBe(cp.version);
    expect(p.targets).toHaveLength(1);
    await closeAllTransports();
    process.env.NO_PROXY = cp.host;
    expect(await serverVersion(loaded.config)).toBe(cp.version);
    expect(p.targets).toHaveLength(1);
  });

  it('SOCKS5, with and without credentials', async () => {
    const open = await proxy('socks5');
    expect(await serverVersion({ ...loaded.config, proxy: open.url })).toBe(cp.version);
    expect(open.targets).toEqual([target]);
    const locked = await proxy('socks5', 'kube:socks-pass');
    const url = `socks5://kube:socks-pass@${new URL(locked.url).host}`;
    expect(await serverVersion({ ...loaded.config, proxy: url })).toBe(cp.version);
    expect(locked.targets).toEqual([target]);
  });
});
