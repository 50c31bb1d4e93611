// kubeconfig loading rules from client-go's loader tests: precedence and merging, relative paths,
// contexts and namespaces, in-cluster config, and typed errors that never show credentials.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inClusterConfig, KubeconfigError, loadKubeConfig, NotInClusterError } from '../../../src/clientcmd/index.js';

function files(contents: Record<string, string>): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
  for (const [name, text] of Object.entries(contents)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return (name) => join(dir, name);
}

const first = `
current-context: a
clusters:
- name: c1
  cluster: { server: https://first:6443, certificate-authority: certs/ca.crt }
users:
- name: u1
  user: { token: secret-token-one }
contexts:
- name: a
  context: { cluster: c1, user: u1, namespace: team-a }
`;
const second = `
current-context: b
clusters:
- name: c1
  cluster: { server: https://second-should-lose:6443 }
- name: c2
  cluster: { server: https://second:6443, insecure-skip-tls-verify: true }
users:
- name: u2
  user: { client-certificate: cert.pem, client-key: key.pem }
contexts:
- name: b
  context: { cluster: c2, user: u2 }
`;

describe('loadKubeConfig', () => {
  const f = files({
    'one/config': first,
    'two/config': second,
    empty: '',
    bad: 'clusters: [ {',
    noserver: 'current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {}}]\n',
  });
  const list = `${f('one/config')}:${f('missing')}:${f('two/config')}`;

  it.each([
    ['current-context comes from the first file that sets it', {}, 'https://first:6443', 'team-a'],
    ['a context from the second file', { context: 'b' }, 'https://second:6443', 'default'],
    [
      'overrides win',
      { context: 'a', overrides: { namespace: 'ov', server: 'https://override:1' } },
      'https://override:1',
      'ov',
    ],
  ])('%s', (_name, opts, host, namespace) => {
    const loaded = loadKubeConfig({ path: list, ...opts });
    expect(loaded.config.host).toBe(host);
    expect(loaded.namespace).toBe(namespace);
  });

  it('keeps the first definition of a name and resolves relative paths against their file', () => {
    const loaded = loadKubeConfig({ path: list });
    expect(loaded.raw.clusters?.find((c) => c.name === 'c1')?.cluster.server).toBe('https://first:6443');
    expect(loaded.config.tls?.caFile).toBe(f('one/certs/ca.crt'));
    const b = loadKubeConfig({ path: list, context: 'b' });
    expect(b.config.tls?.certFile).toBe(f('two/cert.pem'));
    expect(b.config.tls?.insecure).toBe(true);
  });

  it('maps disable-compression to Config.disableCompression', () => {
    const g = files({
      config:
        'current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n' +
        'clusters: [{name: c, cluster: {server: "https://h:6443", disable-compression: true}}]\n',
    });
    expect(loadKubeConfig({ path: g('config') }).config.disableCompression).toBe(true);
    expect(loadKubeConfig({ path: f('one/config') }).config.disableCompression).toBeUndefined();
  });

  it('honours KUBECONFIG', () => {
    const old = process.env.KUBECONFIG;
    process.env.KUBECONFIG = list;
    try {
      expect(loadKubeConfig().context).toBe('a');
    } finally {
      process.env.KUBECONFIG = old;
    }
  });

  it.each([
    ['an explicit missing file', () => loadKubeConfig({ path: f('nope') }), /file does not exist/],
    ['malformed YAML', () => loadKubeConfig({ path: f('bad') }), /not valid YAML at line/],
    ['an unknown context', () => loadKubeConfig({ path: list, context: 'zzz' }), /context "zzz" does not exist/],
    ['no current context', () => loadKubeConfig({ path: f('empty') }), /no context chosen/],
    ['a cluster without server', () => loadKubeConfig({ path: f('noserver') }), /has no server/],
  ])('rejects %s with a KubeconfigError', (_n, fn, message) => {
    expect(fn).toThrow(KubeconfigError);
    expect(fn).toThrow(message);
  });

  it('names file and field for bad base64 and never echoes credentials', () => {
    const g = files({
      kc: first.replace(
        '{ token: secret-token-one }',
        '{ token: secret-token-one, client-certificate-data: "!!notbase64!!", client-key-data: "a2V5" }',
      ),
    });
    try {
      loadKubeConfig({ path: g('kc') });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(KubeconfigError);
      expect((err as KubeconfigError).file).toBe(g('kc'));
      expect((err as KubeconfigError).field).toBe('users["u1"].user.client-certificate-data');
      expect((err as Error).message).not.toContain('secret-token-one');
      expect((err as Error).message).not.toContain('notbase64');
    }
  });
});

describe('inClusterConfig', () => {
  it('builds the config from the service-account files and env', () => {
    const f = files({ token: 'sa-token', 'ca.crt': 'CA' });
    const config = inClusterConfig({
      env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
      tokenFile: f('token'),
      caFile: f('ca.crt'),
    });
    expect(config).toEqual({ host: 'https://10.0.0.1:443', bearerTokenFile: f('token'), tls: { caFile: f('ca.crt') } });
  });

  it('throws NotInClusterError outside a pod', () => {
    expect(() => inClusterConfig({ env: {} })).toThrow(NotInClusterError);
  });
});
