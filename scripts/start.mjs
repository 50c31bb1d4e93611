// npm start: compiles the sample controller (examples/ + src/) into .build/ and runs it.
import { spawnSync } from 'node:child_process';

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
