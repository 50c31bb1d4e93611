// Fuzzes kubeconfig loading (parseKubeconfig, mergeKubeconfigs, configForContext, loadKubeConfig) with
// garbage text, random YAML documents, valid kubeconfigs with wrong types in random fields and
// prototype keys: the only error allowed is KubeconfigError, and Object.prototype is never touched.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type ConfigOverrides,
  configForContext,
  KubeconfigError,
  type LoadedConfig,
  loadKubeConfig,
  mergeKubeconfigs,
  parseKubeconfig,
} from '../../../src/clientcmd/index.js';
import {
  expectNoPollution,
  fuzzParams,
  nastyJson,
  nastyKey,
  objectFromEntries,
  prototypeSnapshot,
  succeedsOrThrowsTyped,
} from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const optionalString = (v: unknown) => v === undefined || typeof v === 'string';

/** What a successful load must look like: strings where strings are promised. */
function checkLoaded(loaded: LoadedConfig): void {
  const { config } = loaded;
  expect(typeof config.host).toBe('string');
  expect(config.host).not.toBe('');
  expect(typeof loaded.namespace).toBe('string');
  expect(typeof loaded.context).toBe('string');
  for (const v of [
    config.bearerToken,
    config.bearerTokenFile,
    config.username,
    config.password,
    config.proxy,
    config.tls?.caData,
    config.tls?.caFile,
    config.tls?.certData,
    config.tls?.certFile,
    config.tls?.keyData,
    config.tls?.keyFile,
    config.tls?.serverName,
  ]) {
    expect(optionalString(v)).toBe(true);
  }
  expect(typeof config.tls?.insecure).toBe('boolean');
  if (config.execProvider) expect(typeof config.execProvider.command).toBe('string');
}

/** parse each text, merge, build the Config: success or KubeconfigError only. */
function loadTexts(texts: string[], overrides: ConfigOverrides = {}): void {
  const r = succeedsOrThrowsTyped(() => {
    const parsed = texts.map((t, i) => parseKubeconfig(t, join(dir, `config-${i}`)));
    return configForContext(mergeKubeconfigs(parsed), overrides, '');
  }, [KubeconfigError]);
  if (r.ok) checkLoaded(r.value);
}

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/);
const base64 = fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b).toString('base64'));
const base64nonEmpty = fc.uint8Array({ minLength: 1, maxLength: 24 }).map((b) => Buffer.from(b).toString('base64'));

/** A valid kubeconfig (as a plain object) with a few optional features. */
const validKubeconfig = fc
  .record({
    cluster: name,
    user: name,
    context: name,
    server: fc.webUrl(),
    namespace: fc.option(name, { nil: undefined }),
    token: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
    ca: fc.option(base64, { nil: undefined }),
    caFile: fc.option(fc.constantFrom('ca.crt', 'certs/ca.crt', '/etc/ca.crt'), { nil: undefined }),
    insecure: fc.option(fc.boolean(), { nil: undefined }),
    cert: fc.option(fc.tuple(base64nonEmpty, base64nonEmpty), { nil: undefined }),
    exec: fc.option(fc.constantFrom('kubelogin', 'bin/kubelogin', '/usr/bin/aws'), { nil: undefined }),
    impersonate: fc.option(fc.constantFrom('admin', 'system:serviceaccount:a:b'), { nil: undefined }),
  })
  .map((o) => ({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': o.context,
    clusters: [
      {
        name: o.cluster,
        cluster: {
          server: o.server,
          ...(o.ca !== undefined ? { 'certificate-authority-data': o.ca } : {}),
          ...(o.caFile !== undefined ? { 'certificate-authority': o.caFile } : {}),
          ...(o.insecure !== undefined ? { 'insecure-skip-tls-verify': o.insecure } : {}),
        },
      },
    ],
    users: [
      {
        name: o.user,
        user: {
          ...(o.token !== undefined ? { token: o.token } : {}),
          ...(o.cert ? { 'client-certificate-data': o.cert[0], 'client-key-data': o.cert[1] } : {}),
          ...(o.exec ? { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: o.exec, args: ['x'] } } : {}),
          ...(o.impersonate ? { as: o.impersonate, 'as-groups': ['g'], 'as-user-extra': { k: ['v'] } } : {}),
        },
      },
    ],
    contexts: [
      {
        name: o.context,
        context: { cluster: o.cluster, user: o.user, ...(o.namespace ? { namespace: o.namespace } : {}) },
      },
    ],
  }));

/** Places a wrong value may go. */
const MUTATION_PATHS: Array<Array<string | number>> = [
  [],
  ['clusters'],
  ['users'],
  ['contexts'],
  ['current-context'],
  ['clusters', 0],
  ['clusters', 0, 'name'],
  ['clusters', 0, 'cluster'],
  ['clusters', 0, 'cluster', 'server'],
  ['clusters', 0, 'cluster', 'certificate-authority-data'],
  ['clusters', 0, 'cluster', 'certificate-authority'],
  ['clusters', 0, 'cluster', 'insecure-skip-tls-verify'],
  ['clusters', 0, 'cluster', 'tls-server-name'],
  ['clusters', 0, 'cluster', 'proxy-url'],
  ['users', 0],
  ['users', 0, 'name'],
  ['users', 0, 'user'],
  ['users', 0, 'user', 'token'],
  ['users', 0, 'user', 'tokenFile'],
  ['users', 0, 'user', 'username'],
  ['users', 0, 'user', 'client-certificate'],
  ['users', 0, 'user', 'client-certificate-data'],
  ['users', 0, 'user', 'client-key'],
  ['users', 0, 'user', 'client-key-data'],
  ['users', 0, 'user', 'exec'],
  ['users', 0, 'user', 'exec', 'command'],
  ['users', 0, 'user', 'exec', 'args'],
  ['users', 0, 'user', 'exec', 'env'],
  ['users', 0, 'user', 'auth-provider'],
  ['users', 0, 'user', 'as'],
  ['users', 0, 'user', 'as-groups'],
  ['users', 0, 'user', 'as-user-extra'],
  ['contexts', 0],
  ['contexts', 0, 'name'],
  ['contexts', 0, 'context'],
  ['contexts', 0, 'context', 'cluster'],
  ['contexts', 0, 'context', 'user'],
  ['contexts', 0, 'context', 'namespace'],
  ['__proto__'],
  ['clusters', 0, 'cluster', '__proto__'],
  ['users', 0, 'user', 'constructor'],
];

/** Values of the wrong type or shape. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    0,
    5,
    -1,
    1.5,
    true,
    false,
    '',
    'nowhere',
    'not a url',
    '::::',
    'https://',
    '%zz',
    '!!not base64!!',
    'bin/relative',
    [],
    [1, 2],
    ['a', 'b'],
    {},
    { toString: 1 },
    { valueOf: 1, toString: 1 },
    { name: 5 },
    { name: 'x' },
    { command: 5 },
    { command: ['a/b'] },
    [{ name: 'x', value: 1 }],
    JSON.parse('{"__proto__": {"polluted": 1}}'),
    JSON.parse('{"__proto__": {"server": "https://evil"}, "constructor": {"prototype": {"polluted": 1}}}'),
  ),
  nastyJson,
);

function setPath(doc: Record<string, unknown>, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  let cur: unknown = doc;
  for (const step of path.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, step)) return doc;
    cur = (cur as Record<string | number, unknown>)[step];
  }
  if (cur === null || typeof cur !== 'object') return doc;
  Object.defineProperty(cur, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
  return doc;
}

const mutatedKubeconfig = fc
  .tuple(
    validKubeconfig,
    fc.array(fc.tuple(fc.constantFrom(...MUTATION_PATHS), wrongValue), { minLength: 1, maxLength: 3 }),
  )
  .map(([kc, mutations]) => {
    let doc: unknown = structuredClone(kc);
    for (const [path, value] of mutations) {
      // A fresh copy per mutation: fast-check may hand out one instance twice, which would make a cycle.
      if (doc !== null && typeof doc === 'object')
        doc = setPath(doc as Record<string, unknown>, path, structuredClone(value));
    }
    return doc;
  });

const serialize = (doc: unknown, asJson: boolean): string => (asJson ? JSON.stringify(doc) : stringify(doc)) ?? '';

/** YAML-ish fragments: structure, anchors, merge keys, tags, flow syntax, prototype keys. */
const YAML_FRAGMENTS = [
  'clusters:',
  'users:',
  'contexts:',
  'current-context: a',
  'current-context:',
  '- name: a',
  '- name:',
  '  cluster:',
  '  user:',
  '  context:',
  '    server: https://x',
  '    server: 5',
  '    certificate-authority-data: "!!"',
  '    certificate-authority-data: 5',
  '    cluster: a',
  '    user: a',
  '    exec: {command: 5}',
  '    exec: {command: [a/b]}',
  '&a',
  '*a',
  '<<: *a',
  '!!binary',
  '!!set',
  '!!omap',
  '!!str',
  '!!int',
  '!!map',
  '!!seq',
  '---',
  '...',
  '__proto__:',
  '  polluted: 1',
  'constructor: {prototype: {polluted: 1}}',
  '{',
  '}',
  '[',
  ']',
  ':',
  '? ',
  '"',
  "'",
  '\n',
  '  ',
  '- ',
  '|',
  '>',
  'null',
  '~',
  '.inf',
  '0x1F',
  '%YAML 1.1',
  '#',
  '\t',
];

const yamlish = fc
  .array(fc.tuple(fc.constantFrom(...YAML_FRAGMENTS), fc.constantFrom('\n', ' ', '')), { maxLength: 30 })
  .map((parts) => parts.map(([f, sep]) => f + sep).join(''));

describe('kubeconfig loading under bad input', () => {
  const before = prototypeSnapshot();
  // The yaml package reports unknown tags (`!!set` in garbage) as process warnings: keep the output readable.
  beforeAll(() => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterAll(() => {
    vi.restoreAllMocks();
    expectNoPollution(before);
  });

  it('arbitrary text: success or KubeconfigError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), yamlish), (text) => {
        loadTexts([text]);
        expectNoPollution(before);
      }),
      fuzzParams(1500),
    );
  });

  it('arbitrary YAML documents: success or KubeconfigError', () => {
    const doc = fc.oneof(
      fc.anything({ key: nastyKey, maxDepth: 3 }),
      fc.object({ key: nastyKey, maxDepth: 3 }),
      fc.record({ clusters: nastyJson, users: nastyJson, contexts: nastyJson, 'current-context': nastyJson }),
    );
    fc.assert(
      fc.property(doc, fc.boolean(), (d, asJson) => {
        loadTexts([serialize(d, asJson)]);
        expectNoPollution(before);
      }),
      fuzzParams(1000),
    );
  });

  it('valid kubeconfigs load; with wrong types in random fields: success or KubeconfigError', () => {
    fc.assert(
      fc.property(validKubeconfig, fc.boolean(), (kc, asJson) => {
        const r = configForContext(mergeKubeconfigs([parseKubeconfig(serialize(kc, asJson), join(dir, 'c'))]));
        checkLoaded(r);
        expect(r.context).toBe(kc['current-context']);
      }),
      fuzzParams(300),
    );
    fc.assert(
      fc.property(
        fc.array(mutatedKubeconfig, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.record({ context: fc.option(fc.oneof(name, nastyKey), { nil: undefined }) }),
        (docs, asJson, overrides) => {
          loadTexts(
            docs.map((d) => serialize(d, asJson)),
            overrides,
          );
          expectNoPollution(before);
        },
      ),
      fuzzParams(1000),
    );
  });

  it('prototype keys in YAML and JSON kubeconfigs neither pollute nor leak into the config', () => {
    const texts = [
      '__proto__:\n  polluted: 1\n',
      '__proto__: {current-context: a, polluted: 1}\nconstructor: {prototype: {polluted: 1}}\n',
      'clusters:\n- name: c\n  cluster:\n    __proto__: {server: "https://evil"}\n' +
        'contexts:\n- name: a\n  context: {cluster: c}\ncurrent-context: a\n',
      '{"__proto__": {"polluted": 1}, "clusters": [{"name": "c", "cluster": {"server": "https://x", ' +
        '"__proto__": {"polluted": 1}}}], "contexts": [{"name": "a", "context": {"cluster": "c", ' +
        '"__proto__": {"namespace": "evil"}}}], "current-context": "a"}',
      'users:\n- name: u\n  user:\n    exec:\n      __proto__: {command: bin/x}\n',
      'current-context: {toString: 1}\ncontexts: []\n',
      'current-context: [{toString: 1}]\n',
    ];
    for (const text of texts) loadTexts([text]);
    const r = configForContext(mergeKubeconfigs([parseKubeconfig(texts[3]!, join(dir, 'c'))]));
    expect(r.config.host).toBe('https://x');
    expect(r.namespace).toBe('default');
    expect(() => configForContext(mergeKubeconfigs([parseKubeconfig(texts[2]!, 'x')]))).toThrow(KubeconfigError);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(nastyKey, nastyJson), { maxLength: 6 }),
        validKubeconfig,
        fc.boolean(),
        (entries, kc, asJson) => {
          const doc = { ...kc, ...objectFromEntries(entries) };
          loadTexts([serialize(doc, asJson)]);
          expectNoPollution(before);
        },
      ),
      fuzzParams(300),
    );
  });

  // Inputs that crashed with a TypeError (or leaked a non-string into the Config) before the loader checked field types.
  it.each([
    ['exec command that is a mapping', 'users:\n- name: u\n  user:\n    exec: {command: {}}\n'],
    ['exec command that is a number', 'users:\n- name: u\n  user:\n    exec: {command: 5}\n'],
    ['current-context with a toString key', 'current-context: {toString: 1}\ncontexts: []\n'],
    [
      'certificate-authority-data that is a number',
      'clusters:\n- name: c\n  cluster: {server: "https://x", certificate-authority-data: 5}\n' +
        'contexts:\n- name: a\n  context: {cluster: c}\ncurrent-context: a\n',
    ],
    [
      'server that is a number',
      'clusters:\n- name: c\n  cluster: {server: 5}\ncontexts:\n- name: a\n  context: {cluster: c}\n' +
        'current-context: a\n',
    ],
  ])('regression: %s is a KubeconfigError', (_, text) => {
    expect(() => configForContext(mergeKubeconfigs([parseKubeconfig(text, join(dir, 'c'))]))).toThrow(KubeconfigError);
  });

  it('loadKubeConfig over files: success or KubeconfigError', () => {
    let run = 0;
    const content = fc.oneof(
      mutatedKubeconfig.map((d) => serialize(d, false)),
      validKubeconfig.map((d) => serialize(d, false)),
      yamlish,
    );
    fc.assert(
      fc.property(
        fc.array(fc.option(content, { nil: undefined }), { minLength: 1, maxLength: 3 }),
        fc.option(fc.oneof(name, nastyKey), { nil: undefined }),
        (contents, context) => {
          run++;
          const paths = contents.map((text, i) => {
            const p = join(dir, `run-${run}-${i}.yaml`);
            if (text !== undefined) writeFileSync(p, text); // undefined: a missing file in the list
            return p;
          });
          const r = succeedsOrThrowsTyped(
            () => loadKubeConfig({ path: paths.join(delimiter), context }),
            [KubeconfigError],
          );
          if (r.ok) checkLoaded(r.value);
          for (const p of paths) rmSync(p, { force: true });
          expectNoPollution(before);
        },
      ),
      fuzzParams(300),
    );
  });
});
