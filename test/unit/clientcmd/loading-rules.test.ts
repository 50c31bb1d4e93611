// Second round of kubeconfig tests after client-go's loader and client-config tests: merging several files,
// path resolution, the default chain, overrides, auth and TLS fields, in-cluster config, and typed errors
// that name file and field but never a credential.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildConfigFromFlags,
  inClusterConfig,
  KubeconfigError,
  kubeconfigPrecedence,
  type LoadKubeConfigOptions,
  loadFromDefault,
  loadKubeConfig,
  NotInClusterError,
  parseKubeconfig,
} from '../../../src/clientcmd/index.js';
import type { Config } from '../../../src/rest/config.js';
import { ConfigError } from '../../../src/rest/errors.js';
import { closeAllTransports, roundTripFor } from '../../../src/rest/transport.js';

let root: string;
let seq = 0;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kubeconfig-rules-'));
});
afterAll(async () => {
  await closeAllTransports();
  rmSync(root, { recursive: true, force: true });
});

/** A fresh folder under the temp root for one test's files. */
function folder(): string {
  const dir = join(root, `t${++seq}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes `content` (YAML text, or an object to serialize) at `dir/name` and returns the path. */
function put(dir: string, name: string, content: string | object): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : stringify(content));
  return path;
}

// The loader reads KUBECONFIG, HOME (through os.homedir) and the in-cluster variables from process.env
// unless told otherwise: every test starts and ends with the same values.
const ENV_KEYS = ['KUBECONFIG', 'HOME', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT'] as const;
let savedEnv: Record<string, string | undefined> = {};
beforeEach(() => {
  savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  // Never pick up the developer's own kubeconfig or pod environment.
  delete process.env.KUBECONFIG;
  delete process.env.KUBERNETES_SERVICE_HOST;
  delete process.env.KUBERNETES_SERVICE_PORT;
});
afterEach(() => {
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

/** A kubeconfig with one context, cluster and user, all named `name`. */
function single(name: string, cluster: object, user: object = {}, context: object = {}): object {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': name,
    clusters: [{ name, cluster: { server: `https://${name}.example:6443`, ...cluster } }],
    users: [{ name, user }],
    contexts: [{ name, context: { cluster: name, user: name, ...context } }],
  };
}

const readText = (path: string): string => readFileSync(path, 'utf8');

/** Runs `fn`, expects a KubeconfigError and returns it. */
function kubeconfigError(fn: () => unknown): KubeconfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KubeconfigError);
    return err as KubeconfigError;
  }
  throw new Error('expected a KubeconfigError');
}

describe('kubeconfigPrecedence', () => {
  const home = join(homedir(), '.kube', 'config');
  it.each([
    ['an explicit file wins over KUBECONFIG', '/x/explicit', { KUBECONFIG: '/env/a' }, ['/x/explicit'], true],
    ['an explicit list is not explicit', `/x/a${delimiter}/x/b`, {}, ['/x/a', '/x/b'], false],
    ['KUBECONFIG with one file', undefined, { KUBECONFIG: '/env/a' }, ['/env/a'], false],
    [
      'KUBECONFIG with empty entries and repeats',
      undefined,
      { KUBECONFIG: ['', '/env/a', '', '/env/b', '/env/a', ''].join(delimiter) },
      ['/env/a', '/env/b'],
      false,
    ],
    ['empty KUBECONFIG falls back to ~/.kube/config', undefined, { KUBECONFIG: '' }, [home], false],
    ['no KUBECONFIG: ~/.kube/config', undefined, {}, [home], false],
  ])('%s', (_name, path, env, files, explicit) => {
    expect(kubeconfigPrecedence(path, env)).toEqual({ files, explicit });
  });
});

describe('merging several kubeconfig files', () => {
  // a: no current-context; b: sets it; c: a context that refers to a's cluster and b's user.
  let dir: string;
  let a: string;
  let b: string;
  let c: string;
  beforeAll(() => {
    dir = folder();
    a = put(dir, 'a/config', {
      clusters: [{ name: 'shared', cluster: { server: 'https://a.example' } }],
      users: [{ name: 'alice', user: { token: 'token-from-a' } }],
      contexts: [{ name: 'ctx-a', context: { cluster: 'shared', user: 'alice', namespace: 'ns-a' } }],
    });
    b = put(dir, 'b/config', {
      'current-context': 'ctx-b',
      clusters: [
        { name: 'shared', cluster: { server: 'https://b-shared.example', 'certificate-authority': 'ca.crt' } },
        { name: 'only-b', cluster: { server: 'https://b.example', 'certificate-authority': 'ca.crt' } },
      ],
      users: [
        { name: 'alice', user: { username: 'alice-from-b', password: 'pw-from-b' } },
        { name: 'bob', user: { 'client-certificate': 'certs/bob.crt', 'client-key': 'certs/bob.key' } },
      ],
      contexts: [
        { name: 'ctx-b', context: { cluster: 'only-b', user: 'bob' } },
        { name: 'ctx-a', context: { cluster: 'only-b', user: 'bob', namespace: 'ns-from-b' } },
      ],
    });
    c = put(dir, 'c/config', {
      'current-context': 'ctx-c',
      clusters: [{ name: 'only-b', cluster: { server: 'https://c-loses.example' } }],
      contexts: [{ name: 'ctx-c', context: { cluster: 'shared', user: 'bob', namespace: 'ns-c' } }],
    });
  });
  const list = (...files: string[]) => files.join(delimiter);

  it('takes current-context from the first file that sets one', () => {
    const loaded = loadKubeConfig({ path: list(a, b, c) });
    expect(loaded.context).toBe('ctx-b');
    expect(loaded.config.host).toBe('https://b.example');
    expect(loaded.config.tls?.caFile).toBe(join(dir, 'b/ca.crt'));
    expect(loaded.config.tls?.certFile).toBe(join(dir, 'b/certs/bob.crt'));
    expect(loaded.namespace).toBe('default');
  });

  it('keeps the whole first entry of a name: later fields are not merged into it', () => {
    const loaded = loadKubeConfig({ path: list(a, b, c), context: 'ctx-a' });
    expect(loaded.config.host).toBe('https://a.example');
    expect(loaded.config.tls?.caFile).toBeUndefined(); // b's "shared" has one; a's wins whole
    expect(loaded.config.bearerToken).toBe('token-from-a');
    expect(loaded.config.username).toBeUndefined(); // b's "alice" has basic auth; a's wins whole
    expect(loaded.config.password).toBeUndefined();
    expect(loaded.namespace).toBe('ns-a');
    expect(loaded.raw.contexts?.filter((x) => x.name === 'ctx-a')).toHaveLength(1);
  });

  it('lets a context from a later file use a cluster and a user from earlier files', () => {
    const loaded = loadKubeConfig({ path: list(a, b, c), context: 'ctx-c' });
    expect(loaded.config.host).toBe('https://a.example');
    expect(loaded.config.tls?.certFile).toBe(join(dir, 'b/certs/bob.crt'));
    expect(loaded.config.tls?.keyFile).toBe(join(dir, 'b/certs/bob.key'));
    expect(loaded.namespace).toBe('ns-c');
    expect(loaded.raw.clusters?.map((x) => x.name)).toEqual(['shared', 'only-b']);
  });

  it('follows the order of the list', () => {
    const loaded = loadKubeConfig({ path: list(c, b, a) });
    expect(loaded.context).toBe('ctx-c');
    expect(loaded.config.host).toBe('https://b-shared.example');
    expect(loaded.raw.clusters?.find((x) => x.name === 'only-b')?.cluster.server).toBe('https://c-loses.example');
  });

  it('skips missing files, empty files and empty entries', () => {
    const empty = put(dir, 'empty', '');
    const comments = put(dir, 'comments', '# nothing here\n');
    const loaded = loadKubeConfig({
      path: ['', join(dir, 'missing'), empty, a, '', comments, join(dir, 'nope/config'), b, c, ''].join(delimiter),
    });
    expect(loaded.context).toBe('ctx-b');
    expect(loaded.config.host).toBe('https://b.example');
  });

  it('reads KUBECONFIG (repeats and empty entries ignored) when no path is given', () => {
    process.env.KUBECONFIG = ['', a, join(dir, 'missing'), a, b, '', c].join(delimiter);
    const loaded = loadKubeConfig({ context: 'ctx-c' });
    expect(loaded.config.host).toBe('https://a.example');
    expect(loaded.namespace).toBe('ns-c');
  });

  it('uses only the explicit file when a path is given, whatever KUBECONFIG says', () => {
    process.env.KUBECONFIG = list(a, b);
    const loaded = loadKubeConfig({ path: b });
    expect(loaded.raw.users?.map((u) => u.name)).toEqual(['alice', 'bob']);
    expect(loaded.raw.clusters?.map((x) => x.name)).toEqual(['shared', 'only-b']);
    expect(loaded.config.host).toBe('https://b.example');
    // c alone: its context names a cluster that only a defines, so nothing is merged in.
    const err = kubeconfigError(() => loadKubeConfig({ path: c }));
    expect(err.file).toBe(c);
    expect(err.field).toBe('clusters');
    expect(err.message).toContain('cluster "shared" of context "ctx-c" does not exist');
  });

  it('fails when an explicit file is missing, even with a usable KUBECONFIG', () => {
    process.env.KUBECONFIG = list(a, b);
    const missing = join(dir, 'not-there');
    const err = kubeconfigError(() => loadKubeConfig({ path: missing }));
    expect(err.file).toBe(missing);
    expect(err.message).toBe(`${missing}: file does not exist`);
  });

  it('fails on a malformed or unreadable file anywhere in the list and names it', () => {
    const bad = put(dir, 'bad/config', 'clusters: [ {');
    const folderAsFile = join(dir, 'a'); // a directory: exists, but cannot be read as a file
    for (const [files, culprit] of [
      [[a, bad, b], bad],
      [[a, folderAsFile, b], folderAsFile],
    ] as const) {
      const err = kubeconfigError(() => loadKubeConfig({ path: list(...files) }));
      expect(err.file).toBe(culprit);
      expect(err.message.startsWith(`${culprit}: `)).toBe(true);
    }
    expect(kubeconfigError(() => loadKubeConfig({ path: folderAsFile })).message).toMatch(
      /cannot read file \(EISDIR\)/,
    );
  });

  it('fails with the list of places looked at when no file exists', () => {
    const m1 = join(dir, 'm1');
    const m2 = join(dir, 'm2');
    process.env.KUBECONFIG = list(m1, m2);
    const err = kubeconfigError(() => loadKubeConfig());
    expect(err.file).toBe('');
    expect(err.message).toBe(`no kubeconfig found (looked at ${m1}, ${m2})`);
  });

  it.each(['clusters', 'users', 'contexts'] as const)('rejects two %s of one name in one file', (kind) => {
    const doc = single('x', {}) as Record<string, Array<{ name: string }>>;
    doc[kind] = [...doc[kind]!, { ...doc[kind]![0]! }];
    const file = put(folder(), 'config', doc);
    const err = kubeconfigError(() => loadKubeConfig({ path: file }));
    expect(err.file).toBe(file);
    expect(err.field).toBe(`${kind}[1].name`);
    expect(err.message).toContain('"x"');
  });
});

describe('the default file', () => {
  it('loads ~/.kube/config when KUBECONFIG is unset, and names it when it is missing', () => {
    const home = folder();
    process.env.HOME = home;
    const expected = join(home, '.kube', 'config');
    const err = kubeconfigError(() => loadKubeConfig());
    expect(err.message).toBe(`no kubeconfig found (looked at ${expected})`);
    put(home, '.kube/config', single('home', { 'certificate-authority': 'ca.pem' }));
    const loaded = loadKubeConfig();
    expect(loaded.context).toBe('home');
    expect(loaded.config.tls?.caFile).toBe(join(home, '.kube', 'ca.pem'));
  });
});

describe('relative paths', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = folder();
    file = put(dir, 'conf/sub/config', {
      clusters: [
        { name: 'rel', cluster: { server: 'https://h', 'certificate-authority': '../ca/ca.crt' } },
        { name: 'abs', cluster: { server: 'https://h', 'certificate-authority': '/etc/k8s/ca.crt' } },
      ],
      users: [
        {
          name: 'rel',
          user: { 'client-certificate': 'pki/c.crt', 'client-key': './pki/c.key', tokenFile: '../token' },
        },
        { name: 'abs', user: { 'client-certificate': '/pki/c.crt', 'client-key': '/pki/c.key', tokenFile: '/t' } },
        { name: 'exec-rel', user: { exec: { apiVersion: 'v1', command: './bin/plugin' } } },
        { name: 'exec-up', user: { exec: { apiVersion: 'v1', command: '../tools/plugin' } } },
        { name: 'exec-sub', user: { exec: { apiVersion: 'v1', command: 'bin/plugin' } } },
        { name: 'exec-abs', user: { exec: { apiVersion: 'v1', command: '/usr/local/bin/plugin' } } },
        { name: 'exec-path', user: { exec: { apiVersion: 'v1', command: 'kubelogin' } } },
      ],
    });
  });
  const base = () => join(dir, 'conf/sub');

  it.each([
    ['clusters', 'rel', 'certificate-authority', (b: string) => join(b, '../ca/ca.crt')],
    ['clusters', 'abs', 'certificate-authority', () => '/etc/k8s/ca.crt'],
    ['users', 'rel', 'client-certificate', (b: string) => join(b, 'pki/c.crt')],
    ['users', 'rel', 'client-key', (b: string) => join(b, 'pki/c.key')],
    ['users', 'rel', 'tokenFile', (b: string) => join(b, '../token')],
    ['users', 'abs', 'client-certificate', () => '/pki/c.crt'],
    ['users', 'abs', 'client-key', () => '/pki/c.key'],
    ['users', 'abs', 'tokenFile', () => '/t'],
    ['users', 'exec-rel', 'exec.command', (b: string) => join(b, 'bin/plugin')],
    ['users', 'exec-up', 'exec.command', (b: string) => join(b, '../tools/plugin')],
    ['users', 'exec-sub', 'exec.command', (b: string) => join(b, 'bin/plugin')],
    ['users', 'exec-abs', 'exec.command', () => '/usr/local/bin/plugin'],
    ['users', 'exec-path', 'exec.command', () => 'kubelogin'], // looked up on PATH: left alone
  ] as const)('%s "%s": %s', (kind, name, field, expected) => {
    // Given a file path relative to the working directory: the result is still absolute.
    for (const path of [file, relative(process.cwd(), file)]) {
      const kc = parseKubeconfig(readText(file), path);
      const entry = (kc[kind] as Array<{ name: string; cluster?: object; user?: object }>).find(
        (e) => e.name === name,
      )!;
      let value: unknown = entry.cluster ?? entry.user;
      for (const step of field.split('.')) value = (value as Record<string, unknown>)[step];
      expect(value).toBe(expected(base()));
    }
  });

  it('hands the resolved paths to the Config', () => {
    const kc = readText(file).replace(
      /^/,
      'current-context: ctx\ncontexts:\n- name: ctx\n  context: {cluster: rel, user: rel}\n',
    );
    const path = put(dir, 'conf/sub/with-context', kc);
    const { config } = loadKubeConfig({ path });
    expect(config.tls?.caFile).toBe(join(base(), '../ca/ca.crt'));
    expect(config.tls?.certFile).toBe(join(base(), 'pki/c.crt'));
    expect(config.tls?.keyFile).toBe(join(base(), 'pki/c.key'));
    expect(config.bearerTokenFile).toBe(join(base(), '../token'));
    const exec = loadKubeConfig({ path, overrides: { user: 'exec-up' } }).config.execProvider;
    expect(exec?.command).toBe(join(base(), '../tools/plugin'));
  });
});

describe('cluster and user fields in the Config', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const load = (cluster: object, user: object = {}, options: LoadKubeConfigOptions = {}) =>
    loadKubeConfig({ path: put(folder(), 'config', single('x', cluster, user)), ...options });

  it('passes *-data next to file paths, and the data wins when a client is built', () => {
    const { config } = load(
      { 'certificate-authority-data': b64('CA PEM'), 'certificate-authority': '/nowhere/ca.crt' },
      {
        'client-certificate-data': b64('CERT PEM'),
        'client-certificate': '/nowhere/c.crt',
        'client-key-data': b64('KEY PEM'),
        'client-key': '/nowhere/c.key',
      },
    );
    expect(config.tls).toMatchObject({
      caData: 'CA PEM',
      caFile: '/nowhere/ca.crt',
      certData: 'CERT PEM',
      certFile: '/nowhere/c.crt',
      keyData: 'KEY PEM',
      keyFile: '/nowhere/c.key',
    });
    // The files do not exist: building the transport reads the data and never touches them.
    expect(() => roundTripFor(config)).not.toThrow();
    const filesOnly: Config = { ...config, tls: { ...config.tls, caData: undefined } };
    expect(() => roundTripFor(filesOnly)).toThrow(ConfigError);
    expect(() => roundTripFor(filesOnly)).toThrow(/cannot read certificate authority file \/nowhere\/ca\.crt/);
  });

  it.each([
    ['token only', { token: 'tok' }, {}, { bearerToken: 'tok', bearerTokenFile: undefined }],
    ['tokenFile only', { tokenFile: '/run/tok' }, {}, { bearerToken: undefined, bearerTokenFile: '/run/tok' }],
    ['token and tokenFile: the token wins', { token: 'tok', tokenFile: '/run/tok' }, {}, { bearerToken: 'tok' }],
    [
      'an override token beats the file',
      { token: 'tok', tokenFile: '/run/tok' },
      { token: 'ov' },
      { bearerToken: 'ov' },
    ],
    [
      'basic auth',
      { username: 'admin', password: 'pw' },
      {},
      { username: 'admin', password: 'pw', bearerToken: undefined },
    ],
  ])('%s', (_name, user, overrides, expected) => {
    expect(load({}, user, { overrides }).config).toMatchObject(expected);
  });

  it('maps proxy-url and tls-server-name, and leaves the proxy to the environment without one', () => {
    const { config } = load({ 'proxy-url': 'http://proxy.example:3128', 'tls-server-name': 'kubernetes.default' });
    expect(config.proxy).toBe('http://proxy.example:3128');
    expect(config.tls?.serverName).toBe('kubernetes.default');
    const plain = load({}).config;
    expect(plain.proxy).toBeUndefined();
    expect(plain.tls?.serverName).toBeUndefined();
    expect(plain.tls?.insecure).toBe(false);
  });

  it('drops the tls-server-name of the kubeconfig when the server is overridden, as client-go does', () => {
    const { config } = load({ 'tls-server-name': 'kubernetes.default' }, {}, { overrides: { server: 'https://o:1' } });
    expect(config.host).toBe('https://o:1');
    expect(config.tls?.serverName).toBeUndefined();
  });

  it('passes an exec plugin through with all its fields', () => {
    const exec = {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', 'prod'],
      env: [{ name: 'AWS_PROFILE', value: 'prod' }],
      installHint: 'install the aws cli',
      interactiveMode: 'Never',
      provideClusterInfo: true,
    };
    expect(load({}, { exec }).config.execProvider).toEqual(exec);
  });

  it('maps the impersonation fields', () => {
    const user = { as: 'alice', 'as-uid': 'abc123', 'as-groups': ['group-1'], 'as-user-extra': { scope: ['read'] } };
    expect(load({}, user).config.impersonate).toEqual({
      userName: 'alice',
      uid: 'abc123',
      groups: ['group-1'],
      extra: { scope: ['read'] },
    });
    expect(load({}, { token: 't' }).config.impersonate).toBeUndefined();
  });

  it('keeps a CA next to insecure-skip-tls-verify so that building a client fails as in client-go', () => {
    for (const ca of [{ 'certificate-authority-data': b64('CA') }, { 'certificate-authority': '/ca.crt' }]) {
      const { config } = load({ 'insecure-skip-tls-verify': true, ...ca });
      expect(config.tls?.insecure).toBe(true);
      expect(config.tls?.caData ?? config.tls?.caFile).toBeTruthy();
      expect(() => roundTripFor(config)).toThrow(ConfigError);
      expect(() => roundTripFor(config)).toThrow(/root certificates file with the insecure flag is not allowed/);
    }
  });

  it.each([
    ['insecure override true clears the CA', {}, true, true, undefined],
    ['insecure override false keeps the CA', { 'insecure-skip-tls-verify': true }, false, false, 'CA'],
    ['no override keeps the kubeconfig setting', {}, undefined, false, 'CA'],
  ])('%s', (_name, cluster, insecureSkipTlsVerify, insecure, caData) => {
    const overrides = { insecureSkipTlsVerify };
    const { config } = load({ 'certificate-authority-data': b64('CA'), ...cluster }, {}, { overrides });
    expect(config.tls?.insecure).toBe(insecure);
    expect(config.tls?.caData).toBe(caData);
    expect(config.tls?.caFile).toBeUndefined();
  });
});

describe('overrides', () => {
  let file: string;
  beforeAll(() => {
    file = put(folder(), 'config', {
      'current-context': 'main',
      clusters: [
        { name: 'prod', cluster: { server: 'https://prod:6443' } },
        { name: 'staging', cluster: { server: 'https://staging:6443', 'proxy-url': 'http://proxy:3128' } },
      ],
      users: [
        { name: 'admin', user: { token: 'admin-token' } },
        { name: 'viewer', user: { token: 'viewer-token' } },
      ],
      contexts: [
        { name: 'main', context: { cluster: 'prod', user: 'admin', namespace: 'apps' } },
        { name: 'other', context: { cluster: 'staging', user: 'viewer' } },
      ],
    });
  });

  it.each([
    ['none', {}, 'main', 'https://prod:6443', 'admin-token', 'apps'],
    ['context (option)', { context: 'other' }, 'other', 'https://staging:6443', 'viewer-token', 'default'],
    [
      'context (override)',
      { overrides: { context: 'other' } },
      'other',
      'https://staging:6443',
      'viewer-token',
      'default',
    ],
    [
      'the option beats the override',
      { context: 'main', overrides: { context: 'other' } },
      'main',
      'https://prod:6443',
      'admin-token',
      'apps',
    ],
    ['cluster', { overrides: { cluster: 'staging' } }, 'main', 'https://staging:6443', 'admin-token', 'apps'],
    ['user', { overrides: { user: 'viewer' } }, 'main', 'https://prod:6443', 'viewer-token', 'apps'],
    [
      'namespace',
      { overrides: { namespace: 'kube-system' } },
      'main',
      'https://prod:6443',
      'admin-token',
      'kube-system',
    ],
    [
      'server',
      { overrides: { server: 'https://10.0.0.1:443' } },
      'main',
      'https://10.0.0.1:443',
      'admin-token',
      'apps',
    ],
  ] as Array<[string, LoadKubeConfigOptions, string, string, string, string]>)(
    '%s',
    (_name, options, context, host, token, namespace) => {
      const loaded = loadKubeConfig({ path: file, ...options });
      expect(loaded.context).toBe(context);
      expect(loaded.config.host).toBe(host);
      expect(loaded.config.bearerToken).toBe(token);
      expect(loaded.namespace).toBe(namespace);
    },
  );

  it('takes the other settings of an overridden cluster with it', () => {
    expect(loadKubeConfig({ path: file, overrides: { cluster: 'staging' } }).config.proxy).toBe('http://proxy:3128');
  });

  it.each([
    [{ cluster: 'nope' }, 'clusters', 'cluster "nope" of context "main" does not exist'],
    [{ user: 'nope' }, 'users', 'user "nope" does not exist'],
    [{ context: 'nope' }, 'contexts', 'context "nope" does not exist'],
  ])('rejects an override naming a missing entry: %o', (overrides, field, message) => {
    const err = kubeconfigError(() => loadKubeConfig({ path: file, overrides }));
    expect(err.field).toBe(field);
    expect(err.message).toBe(`${file}: ${message}`);
  });

  it('needs no context or kubeconfig when the server is given, as client-go', () => {
    const noContext = put(folder(), 'config', { clusters: [{ name: 'c', cluster: { server: 'https://c' } }] });
    const loaded = loadKubeConfig({ path: noContext, overrides: { server: 'https://master:6443' } });
    expect(loaded.config.host).toBe('https://master:6443');
    expect(loaded.context).toBe('');
    expect(loaded.namespace).toBe('default');
    // A context that is named but missing is still an error.
    const named = { server: 'https://master:6443' };
    expect(() => loadKubeConfig({ path: noContext, context: 'gone', overrides: named })).toThrow(
      /context "gone" does not exist/,
    );
    process.env.HOME = folder(); // no ~/.kube/config, no KUBECONFIG, not in a pod
    expect(buildConfigFromFlags('https://master:6443', '').host).toBe('https://master:6443');
  });
});

describe('errors name the file and field and never a credential', () => {
  const SECRETS = ['SECRET-TOKEN-1', 'SECRET-PASSWORD-2', 'SECRET-KEY-3', 'SECRET-ID-TOKEN-4', 'SECRET-REFRESH-5'];
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const secretUser = {
    token: SECRETS[0],
    username: 'admin',
    password: SECRETS[1],
    'client-key-data': b64(SECRETS[2]!),
  };
  const provider = {
    name: 'oidc',
    config: { 'id-token': SECRETS[3], 'refresh-token': SECRETS[4], 'client-id': 'k8s' },
  };
  const base = (over: Record<string, unknown> = {}) => ({
    'current-context': 'main',
    clusters: [{ name: 'c', cluster: { server: 'https://c:6443' } }],
    users: [
      { name: 'u', user: secretUser },
      { name: 'sso', user: { 'auth-provider': provider } },
    ],
    contexts: [
      { name: 'main', context: { cluster: 'c', user: 'u' } },
      { name: 'sso', context: { cluster: 'c', user: 'sso' } },
      { name: 'no-cluster', context: { cluster: 'gone', user: 'u' } },
      { name: 'no-user', context: { cluster: 'c', user: 'ghost' } },
    ],
    ...over,
  });
  const withUser = (user: object) =>
    base({ users: [{ name: 'u', user: { ...secretUser, 'client-key-data': undefined, ...user } }] });

  it.each([
    ['no current-context', base({ 'current-context': undefined }), {}, 'current-context', /no context chosen/],
    [
      'current-context naming no context',
      base({ 'current-context': 'gone' }),
      {},
      'contexts',
      /context "gone" does not exist/,
    ],
    [
      'a context naming a missing cluster',
      base(),
      { context: 'no-cluster' },
      'clusters',
      /cluster "gone" of context "no-cluster" does not exist/,
    ],
    [
      'a user override naming a missing user',
      base(),
      { context: 'no-user', overrides: { user: 'ghost' } },
      'users',
      /user "ghost" does not exist/,
    ],
    ['an auth-provider user', base(), { context: 'sso' }, 'users["sso"].user.auth-provider', /auth-provider "oidc"/],
    [
      'a certificate without key',
      withUser({ 'client-certificate': '/c.crt' }),
      {},
      'users["u"].user.client-key',
      /both client-certificate and client-key/,
    ],
    [
      'a key without certificate',
      base(),
      {},
      'users["u"].user.client-certificate',
      /both client-certificate and client-key/,
    ],
    [
      'an exec plugin without command',
      withUser({ exec: { apiVersion: 'v1' } }),
      {},
      'users["u"].user.exec.command',
      /exec has no command/,
    ],
    [
      'client-key-data that is not base64',
      withUser({ 'client-certificate-data': b64('C'), 'client-key-data': `!${SECRETS[2]}!` }),
      {},
      'users["u"].user.client-key-data',
      /not valid base64/,
    ],
    [
      'a mistyped password',
      base({ users: [{ name: 'u', user: { password: [SECRETS[1]] } }] }),
      {},
      'users[0].user.password',
      /must be a string/,
    ],
  ] as Array<[string, object, LoadKubeConfigOptions, string, RegExp]>)('%s', (_name, doc, options, field, message) => {
    const file = put(folder(), 'config', doc);
    const err = kubeconfigError(() => loadKubeConfig({ path: file, ...options }));
    expect(err.name).toBe('KubeconfigError');
    expect(err.file).toBe(file);
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
    expect(err.message.startsWith(`${file}: `)).toBe(true);
    const shown = `${err.message} ${err.field} ${String(err)} ${JSON.stringify(err)}`;
    for (const secret of SECRETS) {
      expect(shown).not.toContain(secret);
      expect(shown).not.toContain(b64(secret));
    }
  });

  it('does not echo a file that is not YAML, secrets and all', () => {
    const file = put(folder(), 'config', `users:\n- name: u\n  user: {token: ${SECRETS[0]}\n`);
    const err = kubeconfigError(() => loadKubeConfig({ path: file }));
    expect(err.message).toMatch(/not valid YAML at line \d+, column \d+/);
    expect(err.message).not.toContain(SECRETS[0]);
  });

  it('loads a context naming a missing user without credentials, as client-go', () => {
    const file = put(folder(), 'config', base());
    const { config, context } = loadKubeConfig({ path: file, context: 'no-user' });
    expect(context).toBe('no-user');
    expect(config.host).toBe('https://c:6443');
    expect([config.bearerToken, config.username, config.password, config.execProvider]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect([config.tls?.certData, config.tls?.keyData, config.impersonate]).toEqual([undefined, undefined, undefined]);
  });

  it('loads a context whose user is fine when another user has an auth-provider', () => {
    const file = put(folder(), 'config', base({ users: [{ name: 'u', user: { token: 't' } }, base().users[1]] }));
    expect(loadKubeConfig({ path: file }).config.bearerToken).toBe('t');
  });

  it('has no file in errors about the merge of several files', () => {
    const dir = folder();
    const one = put(dir, 'one', { clusters: [{ name: 'c', cluster: { server: 'https://c' } }] });
    const two = put(dir, 'two', { 'current-context': 'x', contexts: [{ name: 'x', context: { cluster: 'd' } }] });
    const err = kubeconfigError(() => loadKubeConfig({ path: `${one}${delimiter}${two}` }));
    expect(err.file).toBe('');
    expect(err.field).toBe('clusters');
    expect(err.message).toBe('cluster "d" of context "x" does not exist');
  });
});

describe('in-cluster config', () => {
  let token: string;
  let ca: string;
  beforeAll(() => {
    const dir = folder();
    token = put(dir, 'token', 'sa-token');
    ca = put(dir, 'ca.crt', 'CA');
  });

  it.each([
    ['IPv4', '10.96.0.1', '443', 'https://10.96.0.1:443'],
    ['IPv6 in brackets', 'fd00:10:96::1', '443', 'https://[fd00:10:96::1]:443'],
    ['IPv6 loopback', '::1', '6443', 'https://[::1]:6443'],
    ['a host name', 'kubernetes.default.svc', '8443', 'https://kubernetes.default.svc:8443'],
  ])('%s', (_name, host, port, expected) => {
    const config = inClusterConfig({
      env: { KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: port },
      tokenFile: token,
      caFile: ca,
    });
    expect(config).toEqual({ host: expected, bearerTokenFile: token, tls: { caFile: ca } });
    expect(config.bearerToken).toBeUndefined(); // the file is re-read as it rotates
  });

  it.each([
    ['no port', { KUBERNETES_SERVICE_HOST: '10.0.0.1' }],
    ['no host', { KUBERNETES_SERVICE_PORT: '443' }],
    ['empty values', { KUBERNETES_SERVICE_HOST: '', KUBERNETES_SERVICE_PORT: '' }],
  ])('is not in a cluster with %s', (_name, env) => {
    expect(() => inClusterConfig({ env, tokenFile: token })).toThrow(NotInClusterError);
    expect(() => inClusterConfig({ env, tokenFile: token })).toThrow(
      /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT/,
    );
  });

  it('is not in a cluster without a token file, and leaves the CA out when there is none', () => {
    const env = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
    const missing = join(root, 'no-such-token');
    let err: unknown;
    try {
      inClusterConfig({ env, tokenFile: missing });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NotInClusterError);
    expect((err as Error).name).toBe('NotInClusterError');
    expect((err as Error).message).toContain(missing);
    expect(inClusterConfig({ env, tokenFile: token, caFile: join(root, 'no-ca') }).tls).toEqual({});
  });

  it('reads process.env by default', () => {
    process.env.KUBERNETES_SERVICE_HOST = '10.1.2.3';
    process.env.KUBERNETES_SERVICE_PORT = '443';
    expect(inClusterConfig({ tokenFile: token, caFile: ca }).host).toBe('https://10.1.2.3:443');
  });
});

describe('loadFromDefault and buildConfigFromFlags', () => {
  let file: string;
  beforeAll(() => {
    file = put(folder(), 'config', single('dflt', {}, { token: 't' }, { namespace: 'team' }));
  });

  it('loads the KUBECONFIG of the env it is given', () => {
    process.env.KUBECONFIG = join(root, 'not-this-one');
    const loaded = loadFromDefault({ KUBECONFIG: `${join(root, 'missing')}${delimiter}${file}` });
    expect(loaded.context).toBe('dflt');
    expect(loaded.namespace).toBe('team');
    expect(loaded.config.host).toBe('https://dflt.example:6443');
  });

  it('falls back to the in-cluster config of the env it is given', () => {
    process.env.HOME = folder(); // no ~/.kube/config
    // Service variables present but no service-account token on this machine: the token is what is missing.
    const env = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
    expect(() => loadFromDefault(env)).toThrow(NotInClusterError);
    expect(() => loadFromDefault(env)).toThrow(/no service-account token/);
    expect(() => loadFromDefault({})).toThrow(/KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined/);
  });

  it.each([
    ['a kubeconfig path', '', 'https://dflt.example:6443'],
    ['a master URL over the kubeconfig', 'https://master:6443', 'https://master:6443'],
  ])('buildConfigFromFlags with %s', (_name, master, host) => {
    const config = buildConfigFromFlags(master, file);
    expect(config.host).toBe(host);
    expect(config.bearerToken).toBe('t');
  });

  it('buildConfigFromFlags with neither falls back from in-cluster to the default rules', () => {
    process.env.KUBECONFIG = file;
    expect(buildConfigFromFlags('', '').host).toBe('https://dflt.example:6443');
  });
});
