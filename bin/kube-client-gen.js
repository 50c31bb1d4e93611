#!/usr/bin/env node
// Entry point of the `kube-client-gen` code generator; the code lives in dist/esm/codegen.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/esm/codegen/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('kube-client-gen: the package is not built yet; run "npm run build" in its folder first.\n');
  process.exit(1);
}
const { runCodegenCli } = await import(entry.href);
process.exitCode = await runCodegenCli(process.argv.slice(2));
