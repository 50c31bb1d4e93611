// Builds bench/client-go/main.go against client-go v1.20 as vendored in Debian's `kubernetes` source
// package (1.20.5+really1.20.2), with Debian's Go, and caches the binary per machine under
// <cache>/client-go-bench-<rev>/ (cache as envtest's: $KUBE_CLIENT_CACHE_DIR, $XDG_CACHE_HOME/kube-client
// or ~/.cache/kube-client; <rev> hashes the Go files and this recipe). On a fresh machine it adds a deb-src
// entry the way envtest does, downloads the source package, unpacks only vendor/, staging/src/k8s.io/
// and go.mod/go.sum, and builds in GOPATH mode (as Kubernetes v1.20 itself builds), with -trimpath so that
// the Go build cache serves later builds from other temporary folders.
// `node bench/client-go/build.mjs` prints the binary's path; `ensureClientGoBench()` for the benches.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { access, copyFile, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
/** Bump when the recipe changes the binary (not needed for Go source changes: they are hashed). */
const RECIPE = 1;
const REFLECT2_DEBIAN = '/usr/share/gocode/src/github.com/modern-go/reflect2';
const APT_OPTIONS = ['-o', 'Acquire::http::Timeout=30', '-o', 'Acquire::Retries=2', '-q'];

async function dist(module) {
  if (!existsSync(join(root, 'dist/esm/index.js'))) {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  }
  return import(pathToFileURL(join(root, 'dist/esm', module)).href);
}

async function isExecutable(path) {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The program's Go files (main.go and the scenario files beside it), sorted. */
function goFiles() {
  return readdirSync(here)
    .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
    .sort();
}

/** The cache revision: client-go version, recipe and the Go files' hash. */
export function clientGoBenchRev() {
  const hash = createHash('sha256');
  for (const f of goFiles()) hash.update(f).update(readFileSync(join(here, f)));
  hash.update(String(RECIPE));
  return `v1.20.2-${hash.digest('hex').slice(0, 12)}`;
}

/**
 * Path of the client-go benchmark binary, building and caching it first when missing (about 5
 * minutes on 2 cores; needs root for apt on a fresh machine). `say` gets progress lines.
 */
export async function ensureClientGoBench(say = (line) => process.stderr.write(`${line}\n`)) {
  const { cacheDir } = await dist('envtest/paths.js');
  const dir = join(cacheDir(process.env), `client-go-bench-${clientGoBenchRev()}`);
  const bin = join(dir, 'client-go-bench');
  if (await isExecutable(bin)) return bin;

  const { ensureDebSrc } = await dist('envtest/provision.js');
  const { runCommand, which } = await dist('envtest/run-command.js');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const log = (line) => say(`client-go bench: ${line}`);
  const started = Date.now();
  log(`not cached at ${bin}; building it once for this machine`);

  log('step 1/5: Go and modern-go/reflect2 1.0.2 sources (Debian: golang-go, golang-github-modern-go-reflect2-dev)');
  const missing = [];
  if (!(await which('go', env))) missing.push('golang-go');
  if (!existsSync(REFLECT2_DEBIAN)) missing.push('golang-github-modern-go-reflect2-dev');
  if (missing.length > 0) {
    log(`  installing ${missing.join(', ')} with apt-get`);
    await runCommand('apt-get', ['update', ...APT_OPTIONS], { env, what: 'apt-get update', timeoutMs: 5 * 60_000 });
    await runCommand('apt-get', ['install', '-y', '--no-install-recommends', ...APT_OPTIONS, ...missing], {
      env,
      log,
      what: `installing ${missing.join(', ')}`,
      timeoutMs: 10 * 60_000,
    });
  }
  log(`  ${execFileSync('go', ['version'], { env }).toString().trim()}`);

  log("step 2/5: downloading Debian's kubernetes source package (about 34 MB)");
  await ensureDebSrc({ log }, env);
  await mkdir(dirname(dir), { recursive: true });
  const work = await mkdtemp(join(dirname(dir), 'client-go-bench-build-'));
  try {
    await runCommand('apt-get', ['source', '--download-only', ...APT_OPTIONS, 'kubernetes'], {
      cwd: work,
      env,
      what: 'downloading the kubernetes source package',
      timeoutMs: 10 * 60_000,
    });
    const tarball = (await readdir(work)).find((f) => f.endsWith('.orig.tar.gz'));
    if (!tarball) throw new Error(`no kubernetes_*.orig.tar.gz was downloaded into ${work}`);

    log('step 3/5: unpacking vendor/, staging/src/k8s.io/ and go.mod/go.sum (about 200 MB)');
    const top = 'kubernetes-1.20.2';
    await runCommand(
      'tar',
      [
        'xzf',
        tarball,
        '--wildcards',
        `${top}/vendor/*`,
        `${top}/staging/src/k8s.io/*`,
        `${top}/go.mod`,
        `${top}/go.sum`,
      ],
      { cwd: work, env, what: 'unpacking the kubernetes sources' },
    );
    // GOPATH mode: the tree becomes <work>/gopath/src/k8s.io/kubernetes with the program inside it,
    // so that the tree's vendor/ (whose k8s.io/* entries link to staging/) resolves every import.
    const tree = join(work, 'gopath', 'src', 'k8s.io', 'kubernetes');
    await mkdir(dirname(tree), { recursive: true });
    await rename(join(work, top), tree);
    await mkdir(join(tree, 'kcbench'));
    for (const f of goFiles()) await copyFile(join(here, f), join(tree, 'kcbench', f));
    // As envtest does: v1.20.2's vendored reflect2 v1.0.1 crashes in map iteration when built with
    // Go >= 1.18; Debian ships the fixed v1.0.2 sources (the informer scenario decodes maps).
    const vendored = join(tree, 'vendor', 'github.com', 'modern-go', 'reflect2');
    for (const f of await readdir(vendored)) if (f.endsWith('.go')) await rm(join(vendored, f));
    for (const f of await readdir(REFLECT2_DEBIAN))
      if (f.endsWith('.go') && !f.endsWith('_test.go')) await copyFile(join(REFLECT2_DEBIAN, f), join(vendored, f));

    log('step 4/5: go build (about 5 minutes on 2 cores, less with a warm Go build cache)');
    const heartbeat = setInterval(
      () => log(`  still building (${Math.round((Date.now() - started) / 1000)} s so far)`),
      30_000,
    );
    try {
      await runCommand('go', ['build', '-trimpath', '-o', join(work, 'client-go-bench'), './kcbench'], {
        cwd: tree,
        env: { ...env, GO111MODULE: 'off', GOPATH: join(work, 'gopath'), CGO_ENABLED: '0', GOFLAGS: '' },
        log,
        what: 'building the client-go benchmark',
        timeoutMs: 40 * 60_000,
      });
    } finally {
      clearInterval(heartbeat);
    }

    log(`step 5/5: caching it at ${bin}`);
    await mkdir(dir, { recursive: true });
    await copyFile(join(work, 'client-go-bench'), `${bin}.partial`);
    await rename(`${bin}.partial`, bin);
    log(`built in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return bin;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${await ensureClientGoBench()}\n`);
}
