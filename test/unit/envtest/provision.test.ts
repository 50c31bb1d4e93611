// Provisioning fails fast with a clear, actionable message when binaries cannot be had.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { buildKubeconfig } from '../../../src/envtest/kubeconfig.js';
import { tokenAuthFile } from '../../../src/envtest/certs.js';
import {
  cachedApiserverPath,
  ProvisioningError,
  resolveEtcd,
  resolveKubeApiserver,
  resolveKubernetesBinaries,
  startControlPlane,
} from '../../../src/envtest/index.js';

const madeCaches: string[] = [];
/** A fresh, empty cache folder for one test; all of them are removed after the file. */
const emptyCache = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kube-client-cache-test-'));
  madeCaches.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of madeCaches) rmSync(dir, { recursive: true, force: true });
});

describe('envtest provisioning', () => {
  it('rejects a KUBE_APISERVER_BIN that is not an executable', async () => {
    const env = { PATH: process.env.PATH, KUBE_APISERVER_BIN: '/nonexistent/kube-apiserver' };
    await expect(resolveKubeApiserver({ env })).rejects.toThrow(ProvisioningError);
    await expect(resolveKubeApiserver({ env })).rejects.toThrow(/KUBE_APISERVER_BIN is set to "\/nonexistent/);
  });

  it('rejects an ETCD_BIN that is not an executable', async () => {
    await expect(resolveEtcd({ env: { ETCD_BIN: '/nonexistent/etcd' } })).rejects.toThrow(/ETCD_BIN is set/);
  });

  it('says how to supply kube-apiserver when it is not cached and apt is unavailable, without hanging', async () => {
    const env = { PATH: '/nonexistent', KUBE_CLIENT_CACHE_DIR: emptyCache() };
    const started = Date.now();
    const err = await resolveKubeApiserver({ env }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisioningError);
    expect((err as Error).message).toMatch(/apt-get is not available/);
    expect((err as Error).message).toMatch(/KUBE_APISERVER_BIN=/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses versions Debian cannot build', async () => {
    const env = { PATH: process.env.PATH, KUBE_CLIENT_CACHE_DIR: emptyCache() };
    await expect(resolveKubeApiserver({ env, version: 'v1.30.0' })).rejects.toThrow(/only v1\.20\.2 can be built/);
  });

  it('keys the cache by version, OS, architecture and recipe revision', () => {
    const path = cachedApiserverPath('v1.20.2', { KUBE_CLIENT_CACHE_DIR: '/c' });
    expect(path).toBe(
      `/c/kubernetes-v1.20.2-${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}-r3/kube-apiserver`,
    );
  });

  it('rejects a KUBELET_BIN that is not an executable before building anything', async () => {
    const env = { PATH: '/nonexistent', KUBE_CLIENT_CACHE_DIR: emptyCache(), KUBELET_BIN: '/nonexistent/kubelet' };
    await expect(resolveKubernetesBinaries({ env })).rejects.toThrow(/KUBELET_BIN is set to "\/nonexistent\/kubelet"/);
  });

  it('uses binaries named by the environment without building', async () => {
    const env = {
      PATH: '/nonexistent',
      KUBE_CLIENT_CACHE_DIR: emptyCache(),
      KUBE_APISERVER_BIN: process.execPath,
      KUBELET_BIN: process.execPath,
      KUBE_SCHEDULER_BIN: process.execPath,
      KUBE_CONTROLLER_MANAGER_BIN: process.execPath,
      PAUSE_BIN: process.execPath,
    };
    const bins = await resolveKubernetesBinaries({ env });
    expect(Object.values(bins)).toEqual(Array(5).fill(process.execPath));
  });
});

describe('envtest kubeconfig and tokens', () => {
  const creds = {
    serviceAccountKeyFile: 'sa.key',
    clientCaFile: 'ca.crt',
    clientCertFile: 'admin.crt',
    clientKeyFile: 'admin.key',
    clientCertData: 'CERT',
    clientKeyData: 'KEY',
    adminToken: 'admintoken',
    userToken: 'usertoken',
  };

  it('writes three users and a context for each, the admin token context current', () => {
    const kc = buildKubeconfig('https://127.0.0.1:1234', 'CA', creds);
    expect(kc['current-context']).toBe('envtest');
    expect(kc.contexts.map((c) => [c.name, c.context.user])).toEqual([
      ['envtest', 'envtest-admin'],
      ['envtest-cert', 'envtest-admin-cert'],
      ['envtest-user', 'envtest-user'],
    ]);
    expect(kc.clusters[0]?.cluster['certificate-authority-data']).toBe(Buffer.from('CA').toString('base64'));
  });

  it('puts the admin in system:masters and the user in an unprivileged group', () => {
    expect(tokenAuthFile(creds).split('\n')).toEqual([
      'admintoken,envtest-admin,envtest-admin-uid,"system:masters"',
      'usertoken,envtest-user,envtest-user-uid,"envtest-users"',
      '',
    ]);
  });
});

describe('envtest node preflight', () => {
  it('fails at once with a ProvisioningError where containers cannot run (not root)', async () => {
    const getuid = vi.spyOn(process, 'getuid').mockReturnValue(1000);
    try {
      const started = Date.now();
      const err = await startControlPlane({ node: true, log: () => {} }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProvisioningError);
      expect((err as Error).message).toMatch(/cannot start a node on this machine: .*needs root/);
      expect((err as Error).message).toMatch(/without `node: true`/);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      getuid.mockRestore();
    }
  });
});
