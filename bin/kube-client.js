#!/usr/bin/env node
// Entry point of the `kube-client` command; the code lives in dist/esm/cli (run `npm run build` first).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/esm/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('kube-client: the package is not built yet; run "npm run build" in its folder first.\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
