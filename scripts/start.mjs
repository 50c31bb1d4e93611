// npm start: compiles the sample controller (examples/ + src/) into .build/ and runs it.
import { spawnSync } from 'node:child_process';

// The example imports the package by name (kube-client/...), which Node resolves to this package's
// own build (dist/), as it would for a user's project: build it first.
process.stdout.write('start: building kube-client (dist/)...\n');
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
process.stdout.write('start: compiling the sample controller (examples/sample-controller)...\n');
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.examples.json'], {
  stdio: 'inherit',
});
if (tsc.status !== 0) {
  process.stderr.write('start: compilation failed; see the errors above.\n');
  process.exit(tsc.status ?? 1);
}
const run = spawnSync(process.execPath, ['.build/examples/sample-controller/main.js'], { stdio: 'inherit' });
process.exit(run.status ?? 1);
