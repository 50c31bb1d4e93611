// The package as an npm user gets it: `npm pack`, the tarball installed into a fresh ESM project and
// a fresh CommonJS project (with a lockfile that pins the runtime dependencies to this repository's
// versions, so npm finds them in its cache after `npm ci` and needs no network), a strict TypeScript
// program type-checked in each (module nodenext; module commonjs with node10 resolution, which
// needs typesVersions for the subpaths) that relies on the type guards, run against the real control
// plane, then bundled with esbuild as ESM (with the createRequire banner the README documents) and
// as CommonJS, and the bundles run too. Needs `npm run build` (npm test does it first).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

const run = promisify(execFile);
const repo = resolve('.');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = join(repo, 'node_modules/typescript/bin/tsc');
const program = readFileSync(join(repo, 'test/integration/fixtures/package-consumer/main.ts.txt'), 'utf8');

/** The createRequire banner of the README's bundling section (yaml's CommonJS build requires 'process'). */
const ESM_BANNER =
  "import { createRequire as __kcCreateRequire } from 'node:module'; const require = __kcCreateRequire(import.meta.url);";

/** The runtime dependencies and theirs (hoisted entries of this repository's lockfile). */
function runtimeClosure(): string[] {
  const repoLock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dependencies?: Record<string, string> }>;
  };
  const own = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const entry = repoLock.packages[`node_modules/${name}`];
    if (!entry) throw new Error(`package-lock.json has no node_modules/${name}`);
    for (const dep of Object.keys(entry.dependencies ?? {})) visit(dep);
  };
  for (const dep of Object.keys(own.dependencies)) visit(dep);
  return [...seen].sort();
}

const RUNTIME_DEPS = runtimeClosure();

interface Project {
  kind: 'esm' | 'cjs';
  dir: string;
  /** What tsc printed (diagnostics); '' when the program type-checked. */
  diagnostics: string;
}

let work: string;
let tarball: string;
let namespace: string;
const projects: Record<'esm' | 'cjs', Project> = {} as never;

/** A package-lock.json naming the tarball and this repository's locked runtime dependencies. */
function lockfile(tarballName: string, integrity: string): string {
  const repoLock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, Record<string, unknown>>;
  };
  const own = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as Record<string, unknown>;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies: { 'kube-client': `file:${tarballName}` } },
    'node_modules/kube-client': {
      version: own.version,
      resolved: `file:${tarballName}`,
      integrity,
      license: own.license,
      dependencies: own.dependencies,
      bin: own.bin,
      engines: own.engines,
      peerDependencies: own.peerDependencies,
      peerDependenciesMeta: own.peerDependenciesMeta,
    },
  };
  for (const dep of RUNTIME_DEPS) {
    const entry = repoLock.packages[`node_modules/${dep}`];
    if (!entry) throw new Error(`package-lock.json has no node_modules/${dep}`);
    const { dev: _dev, ...rest } = entry;
    packages[`node_modules/${dep}`] = rest;
  }
  return `${JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`;
}

async function makeProject(kind: 'esm' | 'cjs', tarballName: string, integrity: string): Promise<Project> {
  const dir = join(work, kind);
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      private: true,
      type: kind === 'esm' ? 'module' : 'commonjs',
      dependencies: { 'kube-client': `file:${tarballName}` },
    }),
  );
  await writeFile(join(dir, 'package-lock.json'), lockfile(tarballName, integrity));
  await writeFile(join(dir, 'src/main.ts'), program);
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023'],
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        ...(kind === 'esm' ? { module: 'nodenext', moduleResolution: 'nodenext' } : { module: 'commonjs' }), // the common CommonJS setup: node10 resolution, the default there
        esModuleInterop: true,
        skipLibCheck: true, // as `tsc --init` sets it; the package's own declarations are checked by check:package
        types: ['node'],
        typeRoots: [join(repo, 'node_modules/@types')],
        rootDir: 'src',
        outDir: 'out',
      },
      include: ['src'],
    }),
  );
  // The tarball sits next to the project as `npm install ./kube-client-x.tgz` would have it.
  await run('cp', [tarball, join(dir, tarballName)]);
  await run(npm, ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: dir,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  // Type-checked (and compiled to out/) here, so the two projects' installs and checks overlap.
  const compiled = await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { cwd: dir }).catch(
    (err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '' }),
  );
  return { kind, dir, diagnostics: `${compiled.stdout}${compiled.stderr}` };
}

/** The README's quickstart code block that starts with `// <file>`. */
function readmeBlock(file: string): string {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```(?:js|ts)\n([\s\S]*?)```/g)]
    .map((m) => m[1] ?? '')
    .find((b) => b.startsWith(`// ${file}\n`));
  if (!block) throw new Error(`README.md has no code block starting with "// ${file}"`);
  return block;
}

/** Runs a program with the control plane's kubeconfig; its stdout. */
async function runWithKubeconfig(file: string, name: string): Promise<string> {
  const { stdout } = await run(process.execPath, [file], {
    env: {
      ...process.env,
      KUBECONFIG: controlPlane.kubeconfigPath,
      CONSUMER_NAMESPACE: namespace,
      CONSUMER_NAME: name,
    },
    timeout: 30_000,
  });
  return stdout;
}

/** Runs a built program (or bundle) against the control plane and parses its JSON line. */
async function runProgram(file: string, name: string): Promise<Record<string, unknown>> {
  const stdout = await runWithKubeconfig(file, name);
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
}

const expected = (name: string) => ({
  created: name,
  listedEverywhere: true,
  podsListed: true,
  notFoundCode: 404,
  synced: true,
  cachedGreeting: 'hi',
  missing: 'undefined',
  deletes: 0,
});

beforeAll(async () => {
  expect(existsSync(join(repo, 'dist/esm/index.js')), 'run "npm run build" first (npm test does)').toBe(true);
  namespace = await createTestNamespace('consumer');
  work = mkdtempSync(join(tmpdir(), 'kube-client-consumer-'));
  const packDir = join(work, 'pack');
  await mkdir(packDir);
  await run(npm, ['pack', '--silent', '--pack-destination', packDir], { cwd: repo });
  const tarballName = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
  if (!tarballName) throw new Error('npm pack wrote no tarball');
  tarball = join(packDir, tarballName);
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const [esm, cjs] = await Promise.all([
    makeProject('esm', tarballName, integrity),
    makeProject('cjs', tarballName, integrity),
  ]);
  projects.esm = esm;
  projects.cjs = cjs;
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package in fresh projects', () => {
  it('installs only what it needs: the package and its runtime dependencies', () => {
    for (const p of Object.values(projects)) {
      const installed = readdirSync(join(p.dir, 'node_modules')).filter((n) => !n.startsWith('.'));
      expect(installed.sort()).toEqual(['kube-client', ...RUNTIME_DEPS].sort());
      const files = readdirSync(join(p.dir, 'node_modules/kube-client'));
      expect(files).toEqual(expect.arrayContaining(['README.md', 'package.json', 'dist', 'bin', 'docs']));
      expect(readdirSync(join(p.dir, 'node_modules/kube-client/docs'))).toContain('informers.md');
    }
  });

  it.each([
    ['esm', 'list-pods.mjs'],
    ['cjs', 'list-pods.cjs'],
  ] as const)(
    "%s: the README's quickstart program (%s) runs as written",
    async (kind, file) => {
      const p = projects[kind];
      await writeFile(join(p.dir, file), readmeBlock(file));
      const stdout = await runWithKubeconfig(join(p.dir, file), `${kind}-quickstart`);
      expect(stdout).toMatch(/^\d+ pods\n$/m);
    },
    30_000,
  );

  it.each(['esm', 'cjs'] as const)(
    '%s: a strict TypeScript program type-checks (type guards narrow) and runs against the control plane',
    async (kind) => {
      const p = projects[kind];
      expect(p.diagnostics).toBe('');
      const out = readFileSync(join(p.dir, 'out/main.js'), 'utf8');
      if (kind === 'cjs') expect(out).toMatch(/require\("kube-client\/clientcmd"\)/);
      else expect(out).toMatch(/from 'kube-client\/clientcmd'/);
      expect(await runProgram(join(p.dir, 'out/main.js'), `${kind}-compiled`)).toEqual(expected(`${kind}-compiled`));
    },
    60_000,
  );

  it.each(['esm', 'cjs'] as const)(
    '%s: an esbuild bundle of the program runs',
    async (kind) => {
      const p = projects[kind];
      const outfile = join(p.dir, kind === 'esm' ? 'bundle/main.mjs' : 'bundle/main.cjs');
      const result = await build({
        entryPoints: [join(p.dir, 'src/main.ts')],
        absWorkingDir: p.dir,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: kind,
        outfile,
        logLevel: 'silent',
        ...(kind === 'esm' ? { banner: { js: ESM_BANNER } } : {}),
      });
      expect(result.errors).toEqual([]);
      const bundled = readFileSync(outfile, 'utf8');
      expect(bundled).not.toMatch(/from ["']kube-client/); // really bundled, not resolved at run time
      expect(await runProgram(outfile, `${kind}-bundle`)).toEqual(expected(`${kind}-bundle`));
    },
    60_000,
  );
});
