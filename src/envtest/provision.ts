// Provisions what a control plane needs: etcd (Debian's etcd-server) and the Kubernetes binaries
// (kube-apiserver, and for a node kubelet, kube-scheduler, kube-controller-manager and pause, all
// built once per machine from Debian's `kubernetes` source package, then cached by version), plus
// a node's Debian packages (containerd, runc, CNI plugins, static busybox) and its local images.
// Binaries can be supplied instead with ETCD_BIN / KUBE_APISERVER_BIN / KUBELET_BIN / ...
// apt runs one call at a time, also across processes (it waits for a dpkg lock another holds).
import { constants } from 'node:fs';
import {
  access,
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ProvisioningError } from './errors.js';
import { busyboxImage, pauseImage, writeImageArchive } from './images.js';
import type { NodeBinaries } from './node.js';
import { cachedBinariesDir, cachedImagesDir, KUBE_APISERVER_VERSION, KUBERNETES_BINARIES } from './paths.js';
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

// DPkg::Lock::Timeout: wait (up to 10 minutes) for a dpkg lock that another process holds.
const APT_OPTIONS = [
  '-o',
  'Acquire::http::Timeout=30',
  '-o',
  'Acquire::Retries=2',
  '-o',
  'DPkg::Lock::Timeout=600',
  '-q',
];

/** One apt call at a time in this process; across processes, apt's own locks (waited for). */
let aptQueue: Promise<unknown> = Promise.resolve();

/**
 * Runs one apt-get call after every earlier one of this process, retrying while another process
 * holds apt's list lock (which DPkg::Lock::Timeout does not cover), for up to 10 minutes.
 */
function aptGet(
  args: string[],
  options: ProvisionOptions,
  what: string,
  timeoutMs: number,
  cwd?: string,
): Promise<string> {
  const env = { ...(options.env ?? process.env), DEBIAN_FRONTEND: 'noninteractive' };
  const next = aptQueue.then(async () => {
    const deadline = Date.now() + 10 * 60_000;
    let announced = false;
    for (;;) {
      try {
        return await runCommand('apt-get', [...args.slice(0, 1), ...APT_OPTIONS, ...args.slice(1)], {
          cwd,
          env,
          what,
          timeoutMs,
        });
      } catch (err) {
        const locked = /Could not get lock|Unable to lock|is held by process/i.test((err as Error).message);
        if (!locked || Date.now() > deadline) throw err;
        if (!announced) options.log?.('envtest: another apt-get is running; waiting for its lock');
        announced = true;
        await new Promise((r) => setTimeout(r, 3000));
      }
    }
  });
  aptQueue = next.catch(() => undefined);
  return next;
}

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
  options.log?.(`envtest: installing ${packages.join(', ')} with apt-get`);
  const install = ['install', '-y', '--no-install-recommends', ...packages];
  const what = `installing ${packages.join(', ')}`;
  try {
    await aptGet(install, options, what, 10 * 60_000);
  } catch {
    // The package lists may be missing or stale on a fresh machine: refresh once and try again.
    await aptGet(['update'], options, 'apt-get update', 5 * 60_000);
    await aptGet(install, options, what, 10 * 60_000);
  }
}

/** True when a Debian package is installed (dpkg-query says "install ok installed"). */
async function debInstalled(pkg: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  // \u0024 is '$': dpkg-query's ${Status} field, written so that no one reads it as a template.
  const out = await runCommand('dpkg-query', ['-W', '-f=\u0024{Status}', pkg], {
    env,
    what: `asking dpkg about ${pkg}`,
  }).catch(() => '');
  return out.includes('install ok installed');
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
 * else builds the Kubernetes binaries from Debian's `kubernetes` source package (see
 * {@link resolveKubernetesBinaries}) and caches them. Throws a ProvisioningError when none of
 * that is possible.
 *
 * @example
 * const apiserver = await resolveKubeApiserver({ log: (l) => process.stderr.write(`${l}\n`) });
 */
export async function resolveKubeApiserver(options: ProvisionOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  if (env.KUBE_APISERVER_BIN) {
    if (await isExecutable(env.KUBE_APISERVER_BIN)) return env.KUBE_APISERVER_BIN;
    throw new ProvisioningError(
      `KUBE_APISERVER_BIN is set to "${env.KUBE_APISERVER_BIN}", which is not an executable file.`,
    );
  }
  return (await resolveKubernetesBinaries(options))['kube-apiserver'];
}

/** Paths of the Kubernetes binaries and of the pause binary. */
export type KubernetesBinaries = Record<(typeof KUBERNETES_BINARIES)[number] | 'pause', string>;

const BIN_ENV: Record<(typeof KUBERNETES_BINARIES)[number], string> = {
  'kube-apiserver': 'KUBE_APISERVER_BIN',
  'kube-controller-manager': 'KUBE_CONTROLLER_MANAGER_BIN',
  'kube-scheduler': 'KUBE_SCHEDULER_BIN',
  kubelet: 'KUBELET_BIN',
};

/**
 * Returns the paths of kube-apiserver, kube-controller-manager, kube-scheduler, kubelet and a
 * static pause binary: each from its environment variable (`KUBE_APISERVER_BIN`,
 * `KUBE_CONTROLLER_MANAGER_BIN`, `KUBE_SCHEDULER_BIN`, `KUBELET_BIN`, `PAUSE_BIN`) when set,
 * else from the per-machine cache, else all built in one go from Debian's `kubernetes` source
 * package (about 20-25 minutes on 2 cores, once per machine and version, with progress lines).
 *
 * @example
 * const bins = await resolveKubernetesBinaries({ log: console.log });
 * console.log(bins.kubelet);
 */
export async function resolveKubernetesBinaries(options: ProvisionOptions = {}): Promise<KubernetesBinaries> {
  const env = options.env ?? process.env;
  const version = options.version ?? KUBE_APISERVER_VERSION;
  const dir = cachedBinariesDir(version, env);
  const names = [...KUBERNETES_BINARIES, 'pause'] as const;
  const fromEnv = (name: (typeof names)[number]) => env[name === 'pause' ? 'PAUSE_BIN' : BIN_ENV[name]];
  for (const name of names) {
    const given = fromEnv(name);
    if (given && !(await isExecutable(given))) {
      const variable = name === 'pause' ? 'PAUSE_BIN' : BIN_ENV[name];
      throw new ProvisioningError(`${variable} is set to "${given}", which is not an executable file.`);
    }
  }
  const resolved = async () => {
    const out = {} as KubernetesBinaries;
    for (const name of names) {
      const path = fromEnv(name) || join(dir, name);
      if (!(await isExecutable(path))) return undefined;
      out[name] = path;
    }
    return out;
  };
  const ready = await resolved();
  if (ready) return ready;

  const howToSupply =
    `Set KUBE_APISERVER_BIN=/path/to/kube-apiserver (a ${version} binary; for a node also KUBELET_BIN, ` +
    'KUBE_SCHEDULER_BIN, KUBE_CONTROLLER_MANAGER_BIN and PAUSE_BIN) to use binaries you have.';
  if (version !== KUBE_APISERVER_VERSION) {
    throw new ProvisioningError(
      `Kubernetes ${version} binaries are not cached in ${dir}, and only ${KUBE_APISERVER_VERSION} can be built ` +
        `from Debian's source package. ${howToSupply}`,
    );
  }
  const reason = await aptUnavailableReason(env);
  if (reason) {
    throw new ProvisioningError(
      `kube-apiserver ${version} is not cached in ${dir}, and it cannot be built here (${reason}). ` +
        `${howToSupply} Or run once as root on Debian bookworm, where envtest builds them from Debian's ` +
        '`kubernetes` source package (needs apt access, about 20-25 minutes on 2 cores).',
    );
  }
  await withBuildLock(dir, options, async () => {
    if (await resolved()) return; // another process built them while we waited
    await buildKubernetes(dir, options);
  });
  const built = await resolved();
  if (!built) throw new ProvisioningError(`the build finished but binaries are missing in ${dir}`);
  return built;
}

/** Serializes builds across processes with a lock folder next to the cache entry. */
async function withBuildLock(dir: string, options: ProvisionOptions, fn: () => Promise<void>): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 60 * 60_000;
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
        options.log?.(`envtest: another process (pid ${holder}) is building the Kubernetes binaries; waiting for it`);
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
 * Adds a deb-src entry mirroring Debian's own sources, so that `apt-get source` works.
 *
 * @example
 * await ensureDebSrc({ log: console.log });
 */
export async function ensureDebSrc(options: ProvisionOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
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
  await aptGet(['update'], options, 'apt-get update', 5 * 60_000);
}

/**
 * Downloads and unpacks Debian's `kubernetes` source package (the upstream v1.20.2 tree with
 * vendor/) into `work`, prepared for a GOPATH-mode build, and returns the tree's path.
 *
 * @example
 * const tree = await unpackKubernetesSource(await mkdtemp('/tmp/k-'), { log: console.log });
 */
export async function unpackKubernetesSource(work: string, options: ProvisionOptions = {}): Promise<string> {
  const env = { ...(options.env ?? process.env), DEBIAN_FRONTEND: 'noninteractive' };
  const log = options.log ?? (() => {});
  await ensureDebSrc(options);
  await aptGet(
    ['source', '--download-only', 'kubernetes'],
    options,
    'downloading the kubernetes source package',
    10 * 60_000,
    work,
  );
  const tarball = (await readdir(work)).find((f) => f.endsWith('.orig.tar.gz'));
  if (!tarball) throw new ProvisioningError(`no kubernetes_*.orig.tar.gz was downloaded into ${work}`);
  log('envtest: unpacking the source tree');
  await runCommand('tar', ['xzf', tarball], { cwd: work, env, what: 'unpacking the kubernetes sources' });
  const tree = (await readdir(work)).find((f) => f.startsWith('kubernetes-'));
  if (!tree) throw new ProvisioningError(`the kubernetes tarball in ${work} held no kubernetes-* folder`);
  const root = join(work, tree);
  // v1.20 builds in GOPATH mode: <tree>/.go/src/k8s.io/kubernetes -> the tree itself.
  await mkdir(join(root, '.go', 'src', 'k8s.io'), { recursive: true });
  await symlink('../../..', join(root, '.go', 'src', 'k8s.io', 'kubernetes'));
  // v1.20.2 vendors modern-go/reflect2 v1.0.1, whose map iteration crashes (SIGSEGV in
  // mapiterinit) when built with Go >= 1.18, e.g. as soon as a CRD is created. Debian ships the
  // fixed v1.0.2 sources: build with those, as Debian's own kubernetes packages do.
  const vendored = join(root, 'vendor', 'github.com', 'modern-go', 'reflect2');
  for (const f of await readdir(vendored)) if (f.endsWith('.go')) await rm(join(vendored, f));
  for (const f of await readdir(REFLECT2_DEBIAN))
    if (f.endsWith('.go') && !f.endsWith('_test.go')) await copyFile(join(REFLECT2_DEBIAN, f), join(vendored, f));
  log('envtest:   using modern-go/reflect2 1.0.2 from Debian (fixes a crash of v1.20 built with Go >= 1.18)');
  return root;
}

async function buildKubernetes(target: string, options: ProvisionOptions): Promise<void> {
  const env = { ...(options.env ?? process.env), DEBIAN_FRONTEND: 'noninteractive' };
  const log = options.log ?? (() => {});
  const started = Date.now();
  log(`envtest: Kubernetes ${KUBE_APISERVER_VERSION} binaries are not cached yet; building them once for this machine`);
  log('envtest: step 1/4: build tools (golang-go, make, rsync, jq, gcc, reflect2 1.0.2 sources)');
  const missing: string[] = [];
  if (!(await isDir(REFLECT2_DEBIAN))) missing.push('golang-github-modern-go-reflect2-dev');
  for (const [tool, pkg] of [
    ['go', 'golang-go'],
    ['make', 'make'],
    ['rsync', 'rsync'],
    ['jq', 'jq'],
    ['gcc', 'gcc'],
  ] as const) {
    if (!(await which(tool, env))) missing.push(pkg);
  }
  if (!(await debInstalled('libc6-dev', env))) missing.push('libc6-dev');
  if (missing.length > 0) await aptInstall(missing, options);

  log("envtest: step 2/4: downloading Debian's kubernetes source package (about 34 MB)");
  await mkdir(dirname(target), { recursive: true });
  const work = await mkdtemp(join(dirname(target), 'build-'));
  try {
    const root = await unpackKubernetesSource(work, options);
    const what = KUBERNETES_BINARIES.map((b) => `cmd/${b}`).join(' ');
    log(`envtest: step 3/4: make WHAT="${what}" (about 20-25 minutes on 2 cores)`);
    const heartbeat = setInterval(() => {
      log(`envtest:   still building (${Math.round((Date.now() - started) / 1000)} s so far)`);
    }, 30_000);
    try {
      await runCommand('make', [`WHAT=${what}`], {
        cwd: root,
        env: { ...env, GOPATH: join(root, '.go'), CGO_ENABLED: '0' },
        log,
        what: 'building the Kubernetes binaries',
        timeoutMs: 75 * 60_000,
      });
    } finally {
      clearInterval(heartbeat);
    }
    log('envtest: step 4/4: compiling pause (the pod sandbox) statically and filling the cache');
    const outBin = join(root, '_output', 'bin');
    await runCommand(
      'gcc',
      [
        '-Os',
        '-static',
        `-DVERSION=${KUBE_APISERVER_VERSION}`,
        '-o',
        join(outBin, 'pause'),
        'build/pause/linux/pause.c',
      ],
      { cwd: root, env, what: 'compiling pause' },
    );
    const partial = `${target}.partial`;
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    for (const name of [...KUBERNETES_BINARIES, 'pause']) {
      const built = join(outBin, name);
      if (!(await isExecutable(built))) throw new ProvisioningError(`the build finished but ${built} is missing`);
      await copyFile(built, join(partial, name));
      await chmod(join(partial, name), 0o755);
    }
    await rm(target, { recursive: true, force: true });
    await rename(partial, target);
    log(`envtest: Kubernetes binaries built and cached in ${target} in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Debian packages a node needs, with the file each provides that envtest checks for. */
const NODE_PACKAGES: Array<[pkg: string, path: string]> = [
  ['containerd', '/usr/bin/containerd'],
  ['runc', '/usr/sbin/runc'],
  ['containernetworking-plugins', '/usr/lib/cni/bridge'],
  ['busybox-static', '/bin/busybox'],
  ['iproute2', '/usr/sbin/ip'],
];

/**
 * Returns everything a node needs (see {@link NodeBinaries}): the Kubernetes binaries, Debian's
 * containerd, runc, CNI plugins and static busybox (installed with apt, one call, when missing),
 * and the local image archives (made once and cached).
 *
 * @example
 * const bins = await resolveNodeBinaries({ log: console.log });
 */
export async function resolveNodeBinaries(options: ProvisionOptions = {}): Promise<NodeBinaries> {
  const env = options.env ?? process.env;
  const k8s = await resolveKubernetesBinaries(options);
  const missing: string[] = [];
  for (const [pkg, path] of NODE_PACKAGES) {
    // busybox-static, not Debian's dynamic busybox: the image has no shared libraries.
    if (!(await isExecutable(path)) || (pkg === 'busybox-static' && !(await debInstalled(pkg, env)))) missing.push(pkg);
  }
  if (missing.length > 0) {
    const reason = await aptUnavailableReason(env);
    if (reason) {
      throw new ProvisioningError(
        `a node needs the Debian packages ${missing.join(', ')}, which cannot be installed here (${reason}).`,
      );
    }
    await aptInstall(missing, options);
  }
  const images = cachedImagesDir(env);
  const pauseArchive = join(images, 'pause.tar');
  const busyboxArchive = join(images, 'busybox.tar');
  if (!(await isFile(pauseArchive))) {
    options.log?.('envtest: making the local pause image');
    await writeImageArchive(pauseImage(k8s.pause), pauseArchive);
  }
  if (!(await isFile(busyboxArchive))) {
    options.log?.("envtest: making the local busybox image from Debian's busybox-static");
    const applets = await runCommand('/bin/busybox', ['--list'], { env, what: 'listing busybox applets' });
    await writeImageArchive(busyboxImage('/bin/busybox', applets.split('\n')), busyboxArchive);
  }
  return {
    kubelet: k8s.kubelet,
    kubeControllerManager: k8s['kube-controller-manager'],
    kubeScheduler: k8s['kube-scheduler'],
    containerd: '/usr/bin/containerd',
    ctr: '/usr/bin/ctr',
    cniBinDir: '/usr/lib/cni',
    pauseArchive,
    busyboxArchive,
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Makes sure each command is on PATH, installing the Debian package that provides it (one apt
 * call for all that are missing) when it is not. Throws a ProvisioningError naming the commands
 * when they are missing and apt cannot be used.
 *
 * @example
 * await ensureCommands([['kubectl', 'kubernetes-client'], ['openssl', 'openssl']], { log: console.log });
 */
export async function ensureCommands(
  commands: Array<[command: string, debianPackage: string]>,
  options: ProvisionOptions = {},
): Promise<void> {
  const env = options.env ?? process.env;
  const missing: Array<[string, string]> = [];
  for (const [command, pkg] of commands) if (!(await which(command, env))) missing.push([command, pkg]);
  if (missing.length === 0) return;
  const names = missing.map(([c]) => c).join(', ');
  const reason = await aptUnavailableReason(env);
  if (reason) {
    throw new ProvisioningError(
      `${names} not found on PATH and cannot be installed here (${reason}); install ` +
        `${missing.map(([, p]) => p).join(', ')} (Debian package names).`,
    );
  }
  await aptInstall([...new Set(missing.map(([, p]) => p))], options);
}
