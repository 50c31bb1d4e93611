// `npm run check:package`: lints the package as npm would publish it. Packs the built package
// (building it first when dist/ is missing), then runs arethetypeswrong (types resolve under node10,
// node16 from CJS and ESM, and bundlers, for every subpath) and publint in strict mode (warnings
// fail too) on the tarball. Exits non-zero when either finds a problem.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(label, command, args) {
  process.stdout.write(`check:package: ${label}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`check:package: ${label} failed (exit ${result.status ?? result.signal})\n`);
    return false;
  }
  return true;
}

if (!existsSync('dist/esm/index.js') || !existsSync('dist/cjs/index.js')) {
  if (!run('building (dist/ is missing)', npm, ['run', 'build', '--silent'])) process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'kube-client-check-package-'));
let ok = false;
try {
  if (run('npm pack', npm, ['pack', '--silent', '--pack-destination', dir])) {
    const name = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    if (!name) throw new Error(`npm pack wrote no tarball into ${dir}`);
    const tarball = join(dir, name);
    const attw = run('arethetypeswrong', process.execPath, [
      'node_modules/@arethetypeswrong/cli/dist/index.js',
      tarball,
      '--format',
      'table-flipped',
      '--no-emoji',
    ]);
    const publint = run('publint --strict', process.execPath, [
      'node_modules/publint/src/cli.js',
      'run',
      tarball,
      '--strict',
    ]);
    ok = attw && publint;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(ok ? 'check:package: no problems\n' : '');
process.exit(ok ? 0 : 1);
