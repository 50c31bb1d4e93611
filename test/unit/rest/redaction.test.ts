// Printing any object that holds a credential shows it redacted: configs, REST clients, client
// pools, clientsets, loaded kubeconfigs and exec credentials, through util.inspect, console.log,
// JSON.stringify and String(); the values themselves stay usable.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { configForContext, loadKubeConfig, parseKubeconfig } from '../../../src/clientcmd/index.js';
import { DynamicClient } from '../../../src/dynamic/index.js';
import { Clientset } from '../../../src/kubernetes/index.js';
import { type Config, withGroupVersion } from '../../../src/rest/config.js';
import { clearExecCredentialCache, execCredentials } from '../../../src/rest/exec-credentials.js';
import { RESTClientPool } from '../../../src/rest/client-pool.js';
import { REDACTED, redacted } from '../../../src/rest/redact.js';
import { restClientFor } from '../../../src/rest/rest-client.js';
import { closeAllTransports } from '../../../src/rest/transport.js';
import { json } from '../../support/fake-server.js';
import { type KeyPair, selfSignedCert, startTlsServer } from '../../support/tls-server.js';

const SECRETS = {
  token: 'tok-9f8e7d6c5b4a',
  password: 'pw-0a1b2c3d',
  key: '-----BEGIN PRIVATE KEY-----\nKEYSECRET123\n-----END PRIVATE KEY-----\n',
  arg: '--secret-arg=arg-5e5e5e',
  env: 'env-value-4d4d4d',
  proxyPassword: 'proxy-pw-3c3c3c',
};
const ALL = Object.values(SECRETS);
const KEY_MARK = 'KEYSECRET123';

let pair: KeyPair;
let dir: string;
beforeAll(() => {
  pair = selfSignedCert();
  dir = mkdtempSync(join(tmpdir(), 'redaction-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  vi.restoreAllMocks();
  await closeAllTransports();
  clearExecCredentialCache();
});

function fullConfig(): Config {
  return {
    host: 'https://127.0.0.1:6443',
    bearerToken: SECRETS.token,
    username: 'alice',
    password: SECRETS.password,
    tls: { keyData: SECRETS.key, certData: 'CERT' },
    execProvider: {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: 'plugin',
      args: [SECRETS.arg],
      env: [{ name: 'X', value: SECRETS.env }],
    },
    proxy: `http://user:${SECRETS.proxyPassword}@127.0.0.1:3128`,
  };
}

/** Every way an object gets printed. */
function printed(value: unknown): string {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation(((c: string) => {
    lines.push(String(c));
    return true;
  }) as typeof process.stdout.write);
  console.log(value);
  console.dir(value, { depth: 20 });
  vi.mocked(process.stdout.write).mockRestore();
  return [
    ...lines,
    inspect(value, { depth: 20 }),
    inspect(value, { depth: 20, showHidden: false, getters: true }),
    JSON.stringify(value),
    String((value as { toString?: () => string }).toString?.()),
  ].join('\n');
}

function expectRedacted(value: unknown): void {
  const out = printed(value);
  for (const s of [...ALL, KEY_MARK]) expect(out).not.toContain(s);
}

describe('redaction', () => {
  it('a config shows --- REDACTED --- once a client is made from it; its values stay usable', () => {
    const config = fullConfig();
    restClientFor(withGroupVersion(config, { group: '', version: 'v1' }));
    new RESTClientPool(config);
    expectRedacted(config);
    expect(inspect(config)).toContain(REDACTED);
    expect(config.bearerToken).toBe(SECRETS.token);
    expect({ ...config }.password).toBe(SECRETS.password);
    expect(config.tls?.keyData).toBe(SECRETS.key);
    expect(config.execProvider?.args).toEqual([SECRETS.arg]);
    expectRedacted(config.tls);
    expectRedacted(config.execProvider);
  });

  it('REST clients, pools, clientsets and dynamic clients print without secrets', () => {
    const config = fullConfig();
    expectRedacted(restClientFor(withGroupVersion(config, { group: 'apps', version: 'v1' })));
    expectRedacted(new RESTClientPool(fullConfig()));
    const cs = Clientset.forConfig(fullConfig());
    void cs.coreV1;
    expectRedacted(cs);
    expectRedacted(DynamicClient.forConfig(fullConfig()));
    expectRedacted(withGroupVersion(fullConfig(), { group: '', version: 'v1' }));
  });

  it('loaded kubeconfigs (the file, the merged raw, the config) print without secrets', () => {
    const text = `
current-context: x
clusters:
- name: c
  cluster: { server: https://127.0.0.1:6443, proxy-url: "http://u:${SECRETS.proxyPassword}@127.0.0.1:3128" }
contexts:
- name: x
  context: { cluster: c, user: u }
users:
- name: u
  user:
    token: ${SECRETS.token}
    password: ${SECRETS.password}
    username: alice
    client-key-data: ${Buffer.from(SECRETS.key).toString('base64')}
    client-certificate-data: ${Buffer.from('CERT').toString('base64')}
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: plugin
      args: ["${SECRETS.arg}"]
      env: [{ name: X, value: ${SECRETS.env} }]
- name: old
  user:
    auth-provider: { name: oidc, config: { id-token: ${SECRETS.token}, client-secret: ${SECRETS.password} } }
`;
    const path = join(dir, 'config');
    writeFileSync(path, text);
    const loaded = loadKubeConfig({ path });
    expectRedacted(loaded);
    expectRedacted(loaded.raw);
    expectRedacted(loaded.raw.users);
    expectRedacted(loaded.raw.users?.[0]);
    expectRedacted(parseKubeconfig(text, path));
    const kc = parseKubeconfig(text, path);
    expectRedacted(configForContext(kc));
    expect(loaded.config.bearerToken).toBe(SECRETS.token);
    expect(loaded.raw.users?.[0]?.user.token).toBe(SECRETS.token);
  });

  it('exec credentials print without the token and key', async () => {
    const command = join(dir, 'plugin.sh');
    const credential = {
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: SECRETS.token, clientKeyData: SECRETS.key, clientCertificateData: 'CERT' },
    };
    writeFileSync(command, `#!/bin/sh\nprintf '%s' '${JSON.stringify(credential)}'\n`);
    chmodSync(command, 0o755);
    const status = await execCredentials(
      { apiVersion: 'client.authentication.k8s.io/v1', command, interactiveMode: 'Never' },
      { server: 'https://x' },
    );
    expectRedacted(status);
    expect(status.token).toBe(SECRETS.token);
  });

  it('a redacted config still authenticates requests', async () => {
    const server = await startTlsServer((req, res) => json(res, 200, { auth: req.headers.authorization }), pair);
    try {
      const config: Config = { host: server.url, bearerToken: SECRETS.token, tls: { caData: pair.cert } };
      const rc = restClientFor(withGroupVersion(config, { group: '', version: 'v1' }));
      expectRedacted(config);
      const auth = (await rc.get().resource('pods').do()).into<{ auth: string }>().auth;
      expect(auth).toBe(`Bearer ${SECRETS.token}`);
    } finally {
      await server.close();
    }
  });

  it('redacted() leaves empty secrets and unrelated fields alone and handles cycles', () => {
    const cyclic: Record<string, unknown> = { host: 'https://h', bearerToken: '', password: 'p' };
    cyclic.self = cyclic;
    const out = redacted(cyclic) as Record<string, unknown>;
    expect(out.host).toBe('https://h');
    expect(out.bearerToken).toBe('');
    expect(out.password).toBe(REDACTED);
    expect(out.self).toBe(out);
  });
});
