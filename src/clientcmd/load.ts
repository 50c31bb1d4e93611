// Loading kubeconfigs with client-go's rules: a list of files (KUBECONFIG), the first file to set a
// cluster/user/context name or current-context wins, missing files in the list are skipped,
// relative paths are resolved against the file that named them; then the chosen context becomes a
// rest Config plus its namespace.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type * as Yaml from 'yaml';
import type { Config } from '../rest/config.js';
import { protectSecrets } from '../rest/redact.js';
import { loadDependency } from '../util/platform/node-require.js';
import { KubeconfigError } from './errors.js';
import { inClusterConfig } from './in-cluster.js';
import { MAX_YAML_DEPTH, yamlNestingDepth } from './yaml-depth.js';
import type { ConfigOverrides, Kubeconfig, KubeconfigCluster, KubeconfigUser } from './types.js';

/** A loaded client configuration. */
export interface LoadedConfig {
  /** Ready for restClientFor / Clientset.forConfig. */
  config: Config;
  /** The namespace of the context ('default' when it names none). */
  namespace: string;
  /** The context used ('' for in-cluster). */
  context: string;
  /** The merged kubeconfig. */
  raw: Kubeconfig;
}

/** Options of {@link loadKubeConfig}. */
export interface LoadKubeConfigOptions {
  /** One file (must exist), or a KUBECONFIG-style list separated by ':'. Default: $KUBECONFIG, then ~/.kube/config. */
  path?: string;
  /** Context to use instead of current-context. */
  context?: string;
  overrides?: ConfigOverrides;
}

const PATH_FIELDS_CLUSTER = ['certificate-authority'] as const;
const PATH_FIELDS_USER = ['client-certificate', 'client-key', 'tokenFile'] as const;

type FieldType = 'string' | 'boolean' | 'strings' | 'mapping' | 'env';
const CLUSTER_FIELDS: Record<string, FieldType> = {
  server: 'string',
  'certificate-authority': 'string',
  'certificate-authority-data': 'string',
  'insecure-skip-tls-verify': 'boolean',
  'tls-server-name': 'string',
  'proxy-url': 'string',
  'disable-compression': 'boolean',
};
const USER_FIELDS: Record<string, FieldType> = {
  token: 'string',
  tokenFile: 'string',
  username: 'string',
  password: 'string',
  'client-certificate': 'string',
  'client-certificate-data': 'string',
  'client-key': 'string',
  'client-key-data': 'string',
  exec: 'mapping',
  'auth-provider': 'mapping',
  as: 'string',
  'as-uid': 'string',
  'as-groups': 'strings',
  'as-user-extra': 'mapping',
};
const EXEC_FIELDS: Record<string, FieldType> = {
  apiVersion: 'string',
  command: 'string',
  args: 'strings',
  installHint: 'string',
  interactiveMode: 'string',
  provideClusterInfo: 'boolean',
  env: 'env',
};
const CONTEXT_FIELDS: Record<string, FieldType> = { cluster: 'string', user: 'string', namespace: 'string' };

function isType(v: unknown, type: FieldType): boolean {
  if (type === 'strings') return Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (type === 'mapping') return typeof v === 'object' && v !== null && !Array.isArray(v);
  if (type === 'env') {
    return Array.isArray(v) && v.every((e) => e && typeof e.name === 'string' && typeof e.value === 'string');
  }
  return typeof v === type;
}

// Like client-go's typed decoding: a field of the wrong type is an error (a number or a mapping
// where a string belongs would otherwise crash later with a TypeError); null is "not set".
// `at` is the path of `body` in the file ('' for the top level).
function checkFields(body: Record<string, unknown>, types: Record<string, FieldType>, file: string, at: string): void {
  for (const [k, type] of Object.entries(types)) {
    if (!Object.hasOwn(body, k)) continue;
    const v = body[k];
    if (v === null || v === undefined) delete body[k];
    else if (!isType(v, type)) {
      const what = {
        string: 'a string',
        boolean: 'a boolean',
        strings: 'a list of strings',
        mapping: 'a mapping',
        env: 'a list of {name, value}',
      }[type];
      const field = at ? `${at}.${k}` : k;
      throw new KubeconfigError(`${field} must be ${what}`, file, field);
    }
  }
}

function checkUser(body: Record<string, unknown>, file: string, at: string): void {
  checkFields(body, USER_FIELDS, file, at);
  const exec = body.exec as Record<string, unknown> | undefined;
  if (exec) checkFields(exec, EXEC_FIELDS, file, `${at}.exec`);
  const provider = body['auth-provider'] as Record<string, unknown> | undefined;
  if (provider) checkFields(provider, { name: 'string' }, file, `${at}.auth-provider`);
  const extra = body['as-user-extra'] as Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (!isType(v, 'strings')) {
      throw new KubeconfigError(`${at}.as-user-extra.${k} must be a list of strings`, file, `${at}.as-user-extra`);
    }
  }
}

// client-go refuses a file that names two clusters, users or contexts alike (only merging
// several files lets the first win).
function checkUnique(seen: Set<string>, name: string, kind: string, i: number, file: string): void {
  if (seen.has(name)) throw new KubeconfigError(`${kind}[${i}]: duplicate name "${name}"`, file, `${kind}[${i}].name`);
  seen.add(name);
}

function asList<T>(value: unknown, file: string, field: string): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new KubeconfigError(`${field} must be a list`, file, field);
  return value as T[];
}

/**
 * Parses one kubeconfig file's text; relative paths are resolved against `file`'s folder. A name
 * used twice in one list (clusters, users or contexts) is an error, as in client-go.
 *
 * @example
 * const kc = parseKubeconfig(readFileSync(path, 'utf8'), path);
 */
export function parseKubeconfig(text: string, file: string): Kubeconfig {
  // The parser recurses per nesting level: bound the depth first (a deep file would exhaust the heap).
  if (yamlNestingDepth(text) > MAX_YAML_DEPTH) {
    throw new KubeconfigError(`nested deeper than ${MAX_YAML_DEPTH} levels`, file);
  }
  let doc: unknown;
  try {
    // The parser's warnings (an unknown tag, say) are never printed: they quote the source line,
    // which may hold a token. Errors become a KubeconfigError with a position and no source text.
    // yaml is loaded on the first kubeconfig read, not when kube-client is imported.
    const { LineCounter, parseDocument } = loadDependency('yaml', () => require('yaml')) as typeof Yaml;
    const lineCounter = new LineCounter();
    const parsed = parseDocument(text, { prettyErrors: false, logLevel: 'silent', lineCounter });
    const e = parsed.errors[0];
    if (e) {
      const at = lineCounter.linePos(e.pos[0]);
      const where = ` at line ${at.line}, column ${at.col}`;
      throw new KubeconfigError(`not valid YAML${where} (${e.code})`, file);
    }
    doc = parsed.toJS({ maxAliasCount: 100 });
  } catch (err) {
    if (err instanceof KubeconfigError) throw err;
    // e.g. too many aliases, or a stack overflow in a structure the depth scan misjudged.
    throw new KubeconfigError(`cannot be read as YAML (${(err as Error).name})`, file);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new KubeconfigError('expected a mapping at the top level', file);
  const kc = doc as Kubeconfig;
  const base = dirname(resolve(file));
  const fix = (p: string | undefined) => (p && !isAbsolute(p) ? join(base, p) : p);
  for (const [kind, fields] of [
    ['clusters', PATH_FIELDS_CLUSTER],
    ['users', PATH_FIELDS_USER],
  ] as const) {
    const key = kind === 'clusters' ? 'cluster' : 'user';
    const seen = new Set<string>();
    asList<Record<string, unknown>>(kc[kind], file, kind).forEach((entry, i) => {
      if (!entry || typeof entry !== 'object' || typeof entry.name !== 'string' || entry.name === '') {
        throw new KubeconfigError(`${kind}[${i}] has no name`, file, `${kind}[${i}].name`);
      }
      checkUnique(seen, entry.name, kind, i, file);
      const body = entry[key] as Record<string, unknown> | undefined;
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw new KubeconfigError(
          `${kind}[${i}] ("${entry.name}") has no ${key} section`,
          file,
          `${kind}[${i}].${key}`,
        );
      }
      if (key === 'user') checkUser(body, file, `${kind}[${i}].user`);
      else checkFields(body, CLUSTER_FIELDS, file, `${kind}[${i}].cluster`);
      for (const f of fields) if (typeof body[f] === 'string') body[f] = fix(body[f] as string);
      if (key === 'user') {
        const exec = body.exec as { command?: string } | undefined;
        // A command given as a relative path with a slash is resolved like the other paths.
        if (exec?.command?.includes('/') && !isAbsolute(exec.command)) exec.command = fix(exec.command);
      }
    });
  }
  const contextNames = new Set<string>();
  asList<Record<string, unknown>>(kc.contexts, file, 'contexts').forEach((entry, i) => {
    if (!entry || typeof entry.name !== 'string' || entry.name === '') {
      throw new KubeconfigError(`contexts[${i}] has no name`, file, `contexts[${i}].name`);
    }
    checkUnique(contextNames, entry.name, 'contexts', i, file);
    if (!entry.context || typeof entry.context !== 'object' || Array.isArray(entry.context)) {
      throw new KubeconfigError(
        `contexts[${i}] ("${entry.name}") has no context section`,
        file,
        `contexts[${i}].context`,
      );
    }
    checkFields(entry.context as Record<string, unknown>, CONTEXT_FIELDS, file, `contexts[${i}].context`);
  });
  checkFields(kc as Record<string, unknown>, { 'current-context': 'string' }, file, '');
  return protectKubeconfig(kc);
}

/**
 * Keeps tokens, passwords and keys out of util.inspect / JSON.stringify of a kubeconfig, of its
 * users and of clusters with a proxy password, without walking every cluster and context object.
 */
function protectKubeconfig(kc: Kubeconfig): Kubeconfig {
  for (const u of kc.users ?? []) protectSecrets(u);
  for (const c of kc.clusters ?? []) if (c?.cluster?.['proxy-url']?.includes('@')) protectSecrets(c);
  return protectSecrets(kc, { deep: false });
}

/**
 * Merges kubeconfigs in precedence order: the first to define a name (or current-context) wins.
 *
 * @example
 * const merged = mergeKubeconfigs([first, second]);
 */
export function mergeKubeconfigs(configs: Kubeconfig[]): Kubeconfig {
  const out: Required<Pick<Kubeconfig, 'clusters' | 'users' | 'contexts'>> & Kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [],
    users: [],
    contexts: [],
  };
  // One set of names per kind: linear in the number of entries (60,000 clusters merge at once).
  const seen = { clusters: new Set<string>(), users: new Set<string>(), contexts: new Set<string>() };
  for (const kc of configs) {
    for (const kind of ['clusters', 'users', 'contexts'] as const) {
      const list = out[kind] as Array<{ name: string }>;
      const names = seen[kind];
      for (const entry of (kc[kind] ?? []) as Array<{ name: string }>) {
        if (names.has(entry.name)) continue;
        names.add(entry.name);
        list.push(entry);
      }
    }
    if (!out['current-context'] && kc['current-context']) out['current-context'] = kc['current-context'];
  }
  return protectKubeconfig(out);
}

function decodeData(value: string, file: string, field: string): string {
  if (!/^[A-Za-z0-9+/=\s]*$/.test(value)) throw new KubeconfigError(`${field} is not valid base64`, file, field);
  return Buffer.from(value, 'base64').toString('utf8');
}

/**
 * Turns one context of a merged kubeconfig into a rest Config and namespace. As in client-go, an
 * `overrides.server` makes the context optional (no current-context: just that server) and drops
 * the cluster's tls-server-name; `insecureSkipTlsVerify: true` drops the cluster's CA, while a
 * cluster that sets both keeps them, so that building a client fails as client-go's transport does.
 * A context that names a user the kubeconfig lacks gives a Config without credentials (client-go
 * goes on the same way); only a user named by `overrides.user` must exist.
 *
 * @example
 * const { config, namespace } = configForContext(merged, { context: 'kind-kind' });
 */
export function configForContext(raw: Kubeconfig, overrides: ConfigOverrides = {}, source = ''): LoadedConfig {
  const contextName = overrides.context || raw['current-context'] || '';
  const ctxEntry = (raw.contexts ?? []).find((c) => c.name === contextName);
  if (!contextName && !overrides.server) {
    throw new KubeconfigError(
      'no context chosen: current-context is not set and no context was given',
      source,
      'current-context',
    );
  }
  if (contextName && !ctxEntry)
    throw new KubeconfigError(`context "${contextName}" does not exist`, source, 'contexts');
  const context = ctxEntry?.context ?? {};
  const clusterName = overrides.cluster || context.cluster || '';
  const userName = overrides.user || context.user || '';
  const clusterEntry = (raw.clusters ?? []).find((c) => c.name === clusterName);
  if (!clusterEntry && !overrides.server) {
    throw new KubeconfigError(
      `cluster "${clusterName}" of context "${contextName}" does not exist`,
      source,
      'clusters',
    );
  }
  const userEntry = (raw.users ?? []).find((u) => u.name === userName);
  // As client-go: a user named by the context but missing means no credentials; a user asked for
  // by override must exist.
  if (overrides.user && !userEntry) {
    throw new KubeconfigError(`user "${userName}" does not exist`, source, 'users');
  }
  const cluster: KubeconfigCluster = clusterEntry?.cluster ?? {};
  const user: KubeconfigUser = userEntry?.user ?? {};
  const server = overrides.server || cluster.server;
  if (!server)
    throw new KubeconfigError(
      `cluster "${clusterName}" has no server`,
      source,
      `clusters["${clusterName}"].cluster.server`,
    );
  if (user['auth-provider']) {
    throw new KubeconfigError(
      `user "${userName}" uses auth-provider "${user['auth-provider'].name}", which was removed from client-go; use an exec plugin (e.g. kubelogin) instead`,
      source,
      `users["${userName}"].user.auth-provider`,
    );
  }
  const f = (name: string) => `users["${userName}"].user.${name}`;
  const insecure = overrides.insecureSkipTlsVerify ?? cluster['insecure-skip-tls-verify'] ?? false;
  const config: Config = {
    host: server,
    tls: {
      insecure,
      serverName: overrides.server ? undefined : cluster['tls-server-name'],
      ...(overrides.insecureSkipTlsVerify
        ? {}
        : {
            caData: cluster['certificate-authority-data']
              ? decodeData(
                  cluster['certificate-authority-data'],
                  source,
                  `clusters["${clusterName}"].cluster.certificate-authority-data`,
                )
              : undefined,
            caFile: cluster['certificate-authority'],
          }),
      certData: user['client-certificate-data']
        ? decodeData(user['client-certificate-data'], source, f('client-certificate-data'))
        : undefined,
      certFile: user['client-certificate'],
      keyData: user['client-key-data'] ? decodeData(user['client-key-data'], source, f('client-key-data')) : undefined,
      keyFile: user['client-key'],
    },
    bearerToken: overrides.token || user.token,
    bearerTokenFile: user.tokenFile,
    username: user.username,
    password: user.password,
    execProvider: user.exec,
    proxy: cluster['proxy-url'] || undefined,
    ...(cluster['disable-compression'] ? { disableCompression: true } : {}),
  };
  if (user.exec && !user.exec.command) throw new KubeconfigError('exec has no command', source, f('exec.command'));
  const hasCert = Boolean(config.tls?.certData || config.tls?.certFile);
  const hasKey = Boolean(config.tls?.keyData || config.tls?.keyFile);
  if (hasCert !== hasKey) {
    throw new KubeconfigError(
      'a client certificate needs both client-certificate and client-key',
      source,
      f(hasCert ? 'client-key' : 'client-certificate'),
    );
  }
  if (user.as || user['as-groups'] || user['as-uid'] || user['as-user-extra']) {
    config.impersonate = {
      userName: user.as,
      uid: user['as-uid'],
      groups: user['as-groups'],
      extra: user['as-user-extra'],
    };
  }
  return protectSecrets({
    config,
    namespace: overrides.namespace || context.namespace || 'default',
    context: contextName,
    raw,
  });
}

/** The kubeconfig files to read: an explicit path (or list), else $KUBECONFIG, else ~/.kube/config. */
export function kubeconfigPrecedence(
  path?: string,
  env: NodeJS.ProcessEnv = process.env,
): { files: string[]; explicit: boolean } {
  if (path) return { files: path.split(delimiter).filter(Boolean), explicit: !path.includes(delimiter) };
  if (env.KUBECONFIG) return { files: [...new Set(env.KUBECONFIG.split(delimiter).filter(Boolean))], explicit: false };
  return { files: [join(homedir(), '.kube', 'config')], explicit: false };
}

/**
 * Loads kubeconfig file(s) and returns the Config of the chosen context.
 *
 * @example
 * const { config, namespace } = loadKubeConfig({ context: 'envtest' });
 * const cs = Clientset.forConfig(config);
 */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): LoadedConfig {
  const { files, explicit } = kubeconfigPrecedence(options.path);
  const parsed: Kubeconfig[] = [];
  for (const file of files) {
    if (!existsSync(file)) {
      if (explicit) throw new KubeconfigError('file does not exist', file);
      continue;
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new KubeconfigError(`cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})`, file);
    }
    parsed.push(parseKubeconfig(text, file));
  }
  if (parsed.length === 0 && !options.overrides?.server) {
    throw new KubeconfigError(`no kubeconfig found (looked at ${files.join(', ')})`, '');
  }
  const overrides = { ...options.overrides, context: options.context ?? options.overrides?.context };
  return configForContext(mergeKubeconfigs(parsed), overrides, files.length === 1 ? files[0]! : '');
}

/**
 * client-go's BuildConfigFromFlags: the kubeconfig at `kubeconfigPath` (or the default rules)
 * with `masterUrl` as server override; in-cluster config when both are empty.
 *
 * @example
 * const config = buildConfigFromFlags('', '/root/.kube/config');
 */
export function buildConfigFromFlags(masterUrl: string, kubeconfigPath: string): Config {
  if (!masterUrl && !kubeconfigPath) {
    try {
      return inClusterConfig();
    } catch {
      // fall back to the default loading rules, as client-go does
    }
  }
  return loadKubeConfig({ path: kubeconfigPath || undefined, overrides: { server: masterUrl || undefined } }).config;
}

/**
 * $KUBECONFIG, then ~/.kube/config, then the in-cluster config (KUBECONFIG and the
 * KUBERNETES_SERVICE_* variables are read from `env`).
 *
 * @example
 * const { config, namespace } = loadFromDefault();
 */
export function loadFromDefault(env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const { files } = kubeconfigPrecedence(undefined, env);
  if (files.some((f) => existsSync(f))) return loadKubeConfig({ path: files.join(delimiter) });
  const config = inClusterConfig({ env });
  let namespace = 'default';
  try {
    namespace = readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'utf8').trim() || 'default';
  } catch {
    // no namespace file
  }
  return { config, namespace, context: '', raw: {} };
}
