// Provisions the two binaries a control plane needs: etcd (Debian's etcd-server) and kube-apiserver
// (built once per machine from Debian's `kubernetes` source package, then cached by version).
// Binaries can be supplied instead with ETCD_BIN / KUBE_APISERVER_BIN.
import { constants } from 'node:fs';
import { access, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ProvisioningError } from './errors.js';
import { cachedApiserverPath, KUBE_APISERVER_VERSION } from './paths.js';
import { runCommand, which } from './run-command.js';

/** Options shared by the provisioning functions. */
export interface ProvisionOptions {
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Environment to read ETCD_BIN, KUBE_APISERVER_BIN, PATH and cache settings from. */
  env?: NodeJS.ProcessEnv;
  /** kube-apiserver version (default v1.20.2, the only one Debian's source package builds). */
  version?: string;
}

const REFLECT2_DEBIAN = '/usr/share/gocode/src/github.com/modern-go/reflect2';

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

const APT_OPTIONS = ['-o', 'Acquire::http::Timeout=30', '-o', 'Acquire::Retries=2', '-q'];

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Why apt cannot be used here, or undefined when it can (Linux, root, apt-get on PATH). */
async function aptUnavailableReason(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (process.platform !== 'linux') return `this is ${process.platform}, not a Debian machine`;
  if (!(await which('apt-get', env))) return 'apt-get is not available on this machine';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'installing packages needs root';
  return undefined;
}

async function aptInstall(packages: string[], options: ProvisionOptions): Promise<void> {
  const env = { ...(options.env ?? process.env), DEBIAN_FRONTEND: 'noninteractive' };
  options.log?.(`envtest: installing ${packages.join(', ')} with apt-get`);
  try {
    await runCommand('apt-get', ['install', '-y', '--no-install-recommends', ...APT_OPTIONS, ...packages], {
      env,
      what: `installing ${packages.join(', ')}`,
      timeoutMs: 10 * 60_000,
    });
  } catch {
    // The package lists may be missing or stale on a fresh machine: refresh once and try again.
    await runCommand('apt-get', ['update', ...APT_OPTIONS], { env, what: 'apt-get update', timeoutMs: 5 * 60_000 });
    await runCommand('apt-get', ['install', '-y', '--no-install-recommends', ...APT_OPTIONS, ...packages], {
      env,
      log: options.log,
      what: `installing ${packages.join(', ')}`,
      timeoutMs: 10 * 60_000,
    });
  }
}

/**
 * Returns the path of an etcd binary: `ETCD_BIN`, else `etcd` on PATH, else installs Debian's
 * `etcd-server` (as root with apt), else throws a ProvisioningError saying how to provide one.
 *
 * @example
 * const etcd = await resolveEtcd({ log: console.log });
 */
export async function resolveEtcd(options: ProvisionOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  if (env.ETCD_BIN) {
    if (await isExecutable(env.ETCD_BIN)) return env.ETCD_BIN;
    throw new ProvisioningError(`ETCD_BIN is set to "${env.ETCD_BIN}", which is not an executable file.`);
  }
  const found = (await which('etcd', env)) ?? ((await isExecutable('/usr/bin/etcd')) ? '/usr/bin/etcd' : undefined);
  if (found) return found;
  const reason = await aptUnavailableReason(env);
  if (reason) {
    throw new ProvisioningError(
      `etcd was not found and cannot be installed here (${reason}). ` +
        'Install it (Debian: apt-get install etcd-server) or set ETCD_BIN=/path/to/etcd (v3.4 or newer).',
    );
  }
  await aptInstall(['etcd-server'], options);
  if (await isExecutable('/usr/bin/etcd')) return '/usr/bin/etcd';
  throw new ProvisioningError('etcd-server was installed but /usr/bin/etcd is missing; set ETCD_BIN=/path/to/etcd.');
}

/**
 * Returns the path of a kube-apiserver binary: `KUBE_APISERVER_BIN`, else the per-machine cache,
 * else builds it from Debian's `kubernetes` source package (about 5 minutes on 2 cores, once per
 * machine and version) and caches it. Throws a ProvisioningError when none of that is possible.
 *
 * @example
 * const apiserver = await resolveKubeApiserver({ log: (l) => process.stderr.write(`${l}\n`) });
 */
export async function resolveKubeApiserver(options: ProvisionOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const version = options.version ?? KUBE_APISERVER_VERSION;
  if (env.KUBE_APISERVER_BIN) {
    if (await isExecutable(env.KUBE_APISERVER_BIN)) return env.KUBE_APISERVER_BIN;
    throw new ProvisioningError(
      `KUBE_APISERVER_BIN is set to "${env.KUBE_APISERVER_BIN}", which is not an executable file.`,
    );
  }
  const cached = cachedApiserverPath(version, env);
  if (await isExecutable(cached)) return cached;

  const howToSupply = `Set KUBE_APISERVER_BIN=/path/to/kube-apiserver (a ${version} binary) to use one you have.`;
  if (version !== KUBE_APISERVER_VERSION) {
    throw new ProvisioningError(
      `kube-apiserver ${version} is not cached at ${cached}, and only ${KUBE_APISERVER_VERSION} can be built ` +
        `from Debian's source package. ${howToSupply}`,
    );
  }
  const reason = await aptUnavailableReason(env);
  if (reason) {
    throw new ProvisioningError(
      `kube-apiserver ${version} is not cached at ${cached}, and it cannot be built here (${reason}). ` +
        `${howToSupply} Or run once as root on Debian bookworm, where envtest builds it from Debian's ` +
        '`kubernetes` source package (needs apt access, about 5 minutes).',
    );
  }
  await withBuildLock(dirname(cached), options, async () => {
    if (await isExecutable(cached)) return; // another process built it while we waited
    await buildKubeApiserver(cached, options);
  });
  return cached;
}

/** Serializes builds across processes with a lock folder next to the cache entry. */
async function withBuildLock(dir: string, options: ProvisionOptions, fn: () => Promise<void>): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 30 * 60_000;
  let announced = false;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => '0'));
      if (!holder || !isAlive(holder)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (!announced) {
        options.log?.(`envtest: another process (pid ${holder}) is building kube-apiserver; waiting for it`);
        announced = true;
      }
      if (Date.now() > deadline) throw new ProvisioningError(`timed out waiting for the build lock ${lock}`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Adds a deb-src entry mirroring Debian's own sources (unless `apt-cache showsrc kubernetes` already
 * finds v1.20.2), so that `apt-get source kubernetes` works. Needs root; also used by the client-go
 * benchmark's build script (bench/client-go/build.mjs).
 *
 * @example
 * await ensureDebSrc({ log: console.log }, process.env);
 */
export async function ensureDebSrc(options: ProvisionOptions, env: NodeJS.ProcessEnv): Promise<void> {
  const probe = await runCommand('apt-cache', ['showsrc', 'kubernetes'], { env, what: 'apt-cache showsrc' }).catch(
    () => '',
  );
  if (/^Version: .*1\.20\.2/m.test(probe)) return;
  options.log?.('envtest: adding a deb-src entry for Debian sources (/etc/apt/sources.list.d/kube-client-src.sources)');
  let stanzas = '';
  const deb822 = await readFile('/etc/apt/sources.list.d/debian.sources', 'utf8').catch(() => '');
  if (deb822) {
    stanzas = deb822
      .split(/\n\s*\n/)
      .filter((s) => /^Types:\s*deb\b/m.test(s))
      .map((s) => s.replace(/^Types:.*$/m, 'Types: deb-src'))
      .join('\n\n');
  } else {
    const legacy = await readFile('/etc/apt/sources.list', 'utf8').catch(() => '');
    const lines = legacy.split('\n').filter((l) => /^deb\s/.test(l));
    if (lines.length > 0) {
      await writeFile(
        '/etc/apt/sources.list.d/kube-client-src.list',
        `${lines.map((l) => l.replace(/^deb/, 'deb-src')).join('\n')}\n`,
      );
    }
  }
  if (stanzas) await writeFile('/etc/apt/sources.list.d/kube-client-src.sources', `${stanzas}\n`);
  await runCommand('apt-get', ['update', ...APT_OPTIONS], { env, what: 'apt-get update', timeoutMs: 5 * 60_000 });
}

async function buildKubeApiserver(target: string, options: ProvisionOptions): Promise<void> {
  const env = { ...(options.env ?? process.env), DEBIAN_FRONTEND: 'noninteractive' };
  const log = options.log ?? (() => {});
  const started = Date.now();
  log(`envtest: kube-apiserver ${KUBE_APISERVER_VERSION} is not cached yet; building it once for this machine`);
  log('envtest: step 1/4: build tools (golang-go, make, rsync, jq, reflect2 1.0.2 sources)');
  const missing: string[] = [];
  if (!(await isDir(REFLECT2_DEBIAN))) missing.push('golang-github-modern-go-reflect2-dev');
  for (const [tool, pkg] of [
    ['go', 'golang-go'],
    ['make', 'make'],
    ['rsync', 'rsync'],
    ['jq', 'jq'],
  ] as const) {
    if (!(await which(tool, env))) missing.push(pkg);
  }
  if (missing.length > 0) await aptInstall(missing, options);

  log("envtest: step 2/4: downloading Debian's kubernetes source package (about 34 MB)");
  await ensureDebSrc(options, env);
  const work = await mkdtemp(join(dirname(target), '..', 'build-'));
  try {
    await runCommand('apt-get', ['source', '--download-only', ...APT_OPTIONS, 'kubernetes'], {
      cwd: work,
      env,
      what: 'downloading the kubernetes source package',
      timeoutMs: 10 * 60_000,
    });
    const tarball = (await readdir(work)).find((f) => f.endsWith('.orig.tar.gz'));
    if (!tarball) throw new ProvisioningError(`no kubernetes_*.orig.tar.gz was downloaded into ${work}`);

    log('envtest: step 3/4: unpacking the source tree');
    await runCommand('tar', ['xzf', tarball], { cwd: work, env, what: 'unpacking the kubernetes sources' });
    const tree = (await readdir(work)).find((f) => f.startsWith('kubernetes-'));
    if (!tree) throw new ProvisioningError(`the kubernetes tarball in ${work} held no kubernetes-* folder`);
    const root = join(work, tree);
    // v1.20 builds in GOPATH mode: <tree>/.go/src/k8s.io/kubernetes -> the tree itself.
    await mkdir(join(root, '.go', 'src', 'k8s.io'), { recursive: true });
    const { symlink } = await import('node:fs/promises');
    await symlink('../../..', join(root, '.go', 'src', 'k8s.io', 'kubernetes'));
    // v1.20.2 vendors modern-go/reflect2 v1.0.1, whose map iteration crashes (SIGSEGV in
    // mapiterinit) when built with Go >= 1.18, e.g. as soon as a CRD is created. Debian ships the
    // fixed v1.0.2 sources: build with those, as Debian's own kubernetes packages do.
    const vendored = join(root, 'vendor', 'github.com', 'modern-go', 'reflect2');
    for (const f of await readdir(vendored)) if (f.endsWith('.go')) await rm(join(vendored, f));
    for (const f of await readdir(REFLECT2_DEBIAN))
      if (f.endsWith('.go') && !f.endsWith('_test.go')) await copyFile(join(REFLECT2_DEBIAN, f), join(vendored, f));
    log('envtest:   using modern-go/reflect2 1.0.2 from Debian (fixes a crash of v1.20 built with Go >= 1.18)');

    log('envtest: step 4/4: make WHAT=cmd/kube-apiserver (about 4-6 minutes on 2 cores)');
    const heartbeat = setInterval(() => {
      log(`envtest:   still building kube-apiserver (${Math.round((Date.now() - started) / 1000)} s so far)`);
    }, 30_000);
    try {
      await runCommand('make', ['WHAT=cmd/kube-apiserver'], {
        cwd: root,
        env: { ...env, GOPATH: join(root, '.go'), CGO_ENABLED: '0' },
        log,
        what: 'building kube-apiserver',
        timeoutMs: 40 * 60_000,
      });
    } finally {
      clearInterval(heartbeat);
    }
    const built = join(root, '_output', 'bin', 'kube-apiserver');
    if (!(await isExecutable(built))) throw new ProvisioningError(`the build finished but ${built} is missing`);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(built, `${target}.partial`);
    await rename(`${target}.partial`, target);
    log(`envtest: kube-apiserver built and cached at ${target} in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
